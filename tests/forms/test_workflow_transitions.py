"""The letter case workflow: every entry of the transition table, who may take it, and its side rules.

The helpers at the top (`world`, `bring_to`) are shared by the other letter test modules.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forms import workflow
from forms.models import Letter, LetterEvent
from forms.workflow import TRANSITIONS, DuplicateSubmission, TransitionError
from home.models import Organisation
from home.workdays import add_workdays
from tests.factories.letters import letter_world, write_letter
from tests.factories.site_group import group_fixture
from workflows.word_models import SensitiveWord

S = Letter.State
REPLY = "您好，经核实，该小区供暖已于本周恢复正常，室内温度达到18度以上，感谢您的监督。"
STAFF_USERS = (
    "dispatcher",
    "supervisor",
    "jyj_editor",
    "jyj_admin",
    "gaj_editor",
    "gaj_admin",
    "portal_admin",
    "admin",
)


@dataclass
class World:
    mayor: object
    director: object
    petition: object
    jyj: Organisation
    gaj: Organisation
    users: dict

    def __getitem__(self, username):
        return self.users[username]


def make_world():
    """The letter boxes and every staff user, each with an e-mail address of their own."""
    boxes = letter_world()
    users = group_fixture()["users"]
    for username in STAFF_USERS:
        user = users[username]
        user.email = f"{username}@jimo.example.cn"
        user.save(update_fields=["email"])
    return World(
        mayor=boxes.mayor,
        director=boxes.director,
        petition=boxes.petition,
        jyj=Organisation.objects.get(label="jyj"),
        gaj=Organisation.objects.get(label="gaj"),
        users=users,
    )


@pytest.fixture
def world(db):
    return make_world()


def fresh(letter):
    return Letter.objects.select_related("box", "unit").get(pk=letter.pk)


def bring_to(world, state, box=None, received_at=None, **overrides):
    """A letter taken to `state` through the workflow (mayor's box letters go to 教育局)."""
    box = box or world.mayor
    letter, _code = write_letter(box, received_at=received_at, **overrides)
    dispatcher = world["jyj_admin"] if box.handling_organisation else world["dispatcher"]
    if state == S.SUBMITTED:
        return fresh(letter)
    if state == S.REJECTED:
        workflow.perform(
            letter, "reject", dispatcher, note="所反映事项已进入诉讼程序，请依法通过司法途径解决。"
        )
        return fresh(letter)
    if state == S.MERGED:
        original, _ = write_letter(box)
        workflow.perform(letter, "merge", dispatcher, target_number=original.number)
        return fresh(letter)
    workflow.perform(letter, "accept", dispatcher)
    if state == S.ACCEPTED:
        assert box.handling_organisation is None, "a unit's own box assigns on acceptance"
        return fresh(letter)
    if box.handling_organisation is None:
        workflow.perform(letter, "assign", dispatcher, note="请教育局核实办理。", unit=world.jyj)
    if state == S.RETURNED:
        workflow.perform(letter, "return", world["jyj_editor"], note="该事项不属于本单位职责。")
    if state in (S.REPLY_REVIEW, S.CLOSED):
        workflow.perform(letter, "submit_reply", world["jyj_editor"], reply=REPLY)
    if state == S.CLOSED:
        workflow.perform(letter, "approve_reply", world["jyj_admin"])
    letter = fresh(letter)
    assert letter.state == state
    return letter


def events_of(letter):
    return list(LetterEvent.objects.filter(letter=letter).order_by("pk"))


# --- Every (action, state) pair of the table ------------------------------------------------------

STAFF_ACTIONS = [name for name, t in TRANSITIONS.items() if workflow.CITIZEN not in t.roles]
CITIZEN_ACTIONS = [name for name, t in TRANSITIONS.items() if workflow.CITIZEN in t.roles]
ALLOWED = [(action, state) for action in STAFF_ACTIONS for state in sorted(TRANSITIONS[action].sources)]
REFUSED = [
    (action, state)
    for action in STAFF_ACTIONS
    for state in S.values
    if state not in TRANSITIONS[action].sources
]


def test_the_table_covers_every_action_with_an_effect():
    assert set(STAFF_ACTIONS) == set(workflow._EFFECTS)
    assert CITIZEN_ACTIONS == ["submit", "rate"]
    assert all(state in S.values for t in TRANSITIONS.values() for state in t.sources if state is not None)


def prepare(world, action, state):
    """A letter in `state` where `action` is possible, the user to take it, and its parameters."""
    if action == "publish":
        # A sensitive (warn) word keeps a reply from being published automatically.
        letter = bring_to(world, state, content="希望相关部门再接再励，尽快解决供暖问题，谢谢！")
        assert not letter.is_public and letter.sensitive_words
        return letter, world["dispatcher"], {}
    letter = bring_to(world, state)
    if action in ("approve_extension", "refuse_extension"):
        # The extension is asked for while the letter is being handled, and may be decided later.
        letter = bring_to(world, S.ASSIGNED)
        workflow.perform(letter, "request_extension", world["jyj_editor"], note="需要现场核查，申请延期。")
        if state == S.REPLY_REVIEW:
            workflow.perform(letter, "submit_reply", world["jyj_editor"], reply=REPLY)
        letter = fresh(letter)
    users = {
        workflow.DISPATCHER: world["dispatcher"],
        workflow.HANDLER: world["jyj_editor"],
        workflow.REVIEWER: world["jyj_admin"],
        workflow.SUPERVISOR: world["supervisor"],
        workflow.SYSTEM: None,
    }
    [role] = TRANSITIONS[action].roles
    params = {}
    if action == "merge":
        original, _ = write_letter(world.mayor)
        params = {"target_number": original.number}
    elif action == "assign":
        params = {"unit": world.gaj}
    elif action == "forward":
        params = {"unit": world.gaj, "section": "治安管理大队"}
    elif action == "submit_reply":
        params = {"reply": REPLY}
    return letter, users[role], params


@pytest.mark.parametrize(("action", "state"), ALLOWED)
def test_each_action_is_allowed_from_each_of_its_source_states(world, action, state):
    letter, user, params = prepare(world, action, state)
    transition = TRANSITIONS[action]
    note = f"{transition.label}：测试说明"
    before = len(events_of(letter))
    from_unit = letter.unit

    result = workflow.perform(letter, action, user, note=note, **params)

    letter = fresh(letter)
    assert result.pk == letter.pk
    assert letter.state == (transition.target or state)
    new_events = events_of(letter)[before:]
    assert len(new_events) == 1
    [event] = new_events
    assert (event.action, event.from_state, event.to_state) == (action, state, letter.state)
    assert event.actor == user
    assert event.note == note
    assert event.from_unit == from_unit
    expected_to_unit = {"assign": world.gaj, "forward": world.gaj}.get(action)
    assert event.to_unit == expected_to_unit
    assert event.public == (action not in workflow.INTERNAL_ACTIONS)
    [role] = transition.roles
    assert event.actor_label == workflow.ROLE_NAMES[role]


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_each_action_is_refused_from_every_other_state(world, action, state):
    letter = bring_to(world, state)
    before = len(events_of(letter))
    # The superuser holds every staff role: only the state can stand in the way.
    user = None if workflow.SYSTEM in TRANSITIONS[action].roles else world["admin"]
    with pytest.raises(TransitionError):
        workflow.perform(
            letter, action, user, note="测试说明", target_number="x", unit=world.gaj, reply=REPLY
        )
    assert fresh(letter).state == state
    assert len(events_of(letter)) == before


@pytest.mark.parametrize("action", CITIZEN_ACTIONS)
def test_citizen_steps_are_not_staff_actions(world, action):
    letter = bring_to(world, S.CLOSED)
    with pytest.raises(TransitionError):
        workflow.perform(letter, action, world["admin"])
    with pytest.raises(TransitionError):
        workflow.perform(letter, "no-such-action", world["admin"])


# --- Who may act ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "action", "state", "params"),
    [
        ("jyj_editor", "approve_reply", S.REPLY_REVIEW, {}),
        ("gaj_admin", "approve_reply", S.REPLY_REVIEW, {}),
        ("gaj_admin", "submit_reply", S.ASSIGNED, {"reply": REPLY}),
        ("gaj_editor", "return", S.ASSIGNED, {}),
        ("gaj_admin", "accept", S.SUBMITTED, {}),
        ("dispatcher", "submit_reply", S.ASSIGNED, {"reply": REPLY}),
        ("dispatcher", "approve_reply", S.REPLY_REVIEW, {}),
        ("dispatcher", "chase", S.ASSIGNED, {}),
        ("supervisor", "accept", S.SUBMITTED, {}),
        ("supervisor", "assign", S.ACCEPTED, {"unit": "jyj"}),
        ("jyj_editor", "accept", S.SUBMITTED, {}),
        ("jyj_admin", "accept", S.SUBMITTED, {}),  # the mayor's box is not 教育局's to screen
        ("portal_admin", "accept", S.SUBMITTED, {}),
        ("portal_admin", "publish", S.CLOSED, {}),
        ("jyj_admin", "unpublish", S.CLOSED, {}),
    ],
)
def test_roles_not_allowed_are_refused(world, username, action, state, params):
    letter = bring_to(world, state)
    params = {key: (world.jyj if value == "jyj" else value) for key, value in params.items()}
    before = len(events_of(letter))
    with pytest.raises(PermissionDenied):
        workflow.perform(letter, action, world[username], note="测试说明", **params)
    assert fresh(letter).state == state
    assert len(events_of(letter)) == before


def test_other_units_may_do_nothing_with_a_jyj_letter(world):
    staff_steps = [a for a in STAFF_ACTIONS if workflow.SYSTEM not in TRANSITIONS[a].roles]
    for state in (S.SUBMITTED, S.ASSIGNED, S.REPLY_REVIEW, S.CLOSED):
        letter = bring_to(world, state, box=world.director)
        for username in ("gaj_editor", "gaj_admin", "portal_admin"):
            assert workflow.available_actions(world[username], letter) == []
            for action in staff_steps:
                with pytest.raises(PermissionDenied):
                    workflow.perform(letter, action, world[username], note="测试说明")
        assert fresh(letter).state == state


def test_system_steps_cannot_be_taken_by_a_staff_user(world):
    letter = bring_to(world, S.ASSIGNED)
    with pytest.raises(PermissionDenied):
        workflow.perform(letter, "escalate", world["gaj_editor"])


def test_a_reviewer_may_not_approve_their_own_reply(world):
    letter = bring_to(world, S.ASSIGNED)
    workflow.perform(letter, "submit_reply", world["jyj_admin"], reply=REPLY)
    with pytest.raises(PermissionDenied):
        workflow.perform(letter, "approve_reply", world["jyj_admin"])
    letter = fresh(letter)
    assert letter.state == S.REPLY_REVIEW and letter.reply_approved_by is None
    # Another reviewer of the unit may; so may a superuser, who holds every role.
    workflow.perform(letter, "approve_reply", world["admin"])
    assert fresh(letter).state == S.CLOSED


@pytest.mark.parametrize("action", [name for name, t in TRANSITIONS.items() if t.needs_note])
def test_steps_that_need_a_reason_refuse_an_empty_note(world, action):
    state = {
        "reject": S.SUBMITTED,
        "return": S.ASSIGNED,
        "request_extension": S.ASSIGNED,
        "refuse_extension": S.ASSIGNED,
        "reject_reply": S.REPLY_REVIEW,
        "unpublish": S.CLOSED,
    }[action]
    letter = bring_to(world, state)
    if action == "refuse_extension":
        workflow.perform(letter, "request_extension", world["jyj_editor"], note="需要现场核查。")
    user = world["admin"]
    before = len(events_of(letter))
    for note in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            workflow.perform(letter, action, user, note=note)
        assert "note" in refused.value.message_dict
        assert not isinstance(refused.value, TransitionError)
    assert len(events_of(letter)) == before
    assert fresh(letter).state == state


# --- Publishing ----------------------------------------------------------------------------------


def test_an_approved_reply_is_published_only_with_consent(world):
    with_consent = bring_to(world, S.CLOSED)
    assert with_consent.is_public
    without = bring_to(world, S.CLOSED, consent_publish=False)
    assert not without.is_public
    with pytest.raises(TransitionError):
        workflow.perform(without, "publish", world["dispatcher"])
    assert not fresh(without).is_public


def test_publishing_before_the_reply_is_approved_is_refused(world):
    for state in (S.SUBMITTED, S.ASSIGNED, S.REPLY_REVIEW):
        letter = bring_to(world, state)
        with pytest.raises(TransitionError):
            workflow.perform(letter, "publish", world["dispatcher"])
        assert not fresh(letter).is_public


def test_a_letter_with_sensitive_words_waits_for_a_dispatcher_to_publish(world):
    letter = bring_to(world, S.CLOSED, content="希望相关部门再接再励，尽快解决供暖问题，谢谢！")
    assert not letter.is_public
    assert "publish" in workflow.available_actions(world["dispatcher"], letter)
    workflow.perform(letter, "publish", world["dispatcher"])
    assert fresh(letter).is_public
    with pytest.raises(TransitionError):
        workflow.perform(letter, "publish", world["dispatcher"])
    workflow.perform(letter, "unpublish", world["dispatcher"], note="涉及个人隐私。")
    assert not fresh(letter).is_public
    with pytest.raises(TransitionError):
        workflow.perform(letter, "unpublish", world["dispatcher"], note="再次取消。")


def test_a_box_without_public_listing_publishes_nothing(world):
    world.mayor.public_listing = False
    world.mayor.save(update_fields=["public_listing"])
    letter = bring_to(world, S.CLOSED)
    assert not letter.is_public
    with pytest.raises(TransitionError):
        workflow.perform(letter, "publish", world["dispatcher"])


# --- Extensions ------------------------------------------------------------------------------------


def test_an_extension_is_granted_once_and_moves_the_reply_due_date(world):
    letter = bring_to(world, S.ASSIGNED)
    start = timezone.localtime(letter.accepted_at).date()
    assert letter.reply_due == add_workdays(start, 15)
    editor, supervisor = world["jyj_editor"], world["supervisor"]

    workflow.perform(letter, "request_extension", editor, note="涉及多个部门，需要协调。")
    with pytest.raises(TransitionError):  # already asked for
        workflow.perform(letter, "request_extension", editor, note="再次申请。")
    letter = fresh(letter)
    assert letter.extension_requested and letter.extension_reason == "涉及多个部门，需要协调。"
    assert letter.reply_due == add_workdays(start, 15)  # asking does not move the clock

    workflow.perform(letter, "approve_extension", supervisor)
    letter = fresh(letter)
    assert not letter.extension_requested
    assert letter.extension_days == 15
    assert letter.reply_due == add_workdays(start, 30)
    with pytest.raises(TransitionError):  # once only
        workflow.perform(letter, "request_extension", editor, note="第二次申请。")
    with pytest.raises(TransitionError):  # nothing to decide
        workflow.perform(letter, "approve_extension", supervisor)
    assert "request_extension" not in workflow.available_actions(editor, letter)


def test_a_refused_extension_leaves_the_clock_and_may_be_asked_again(world):
    letter = bring_to(world, S.ASSIGNED)
    due = letter.reply_due
    workflow.perform(letter, "request_extension", world["jyj_editor"], note="需要现场核查。")
    workflow.perform(letter, "refuse_extension", world["supervisor"], note="事项简单，请按期答复。")
    letter = fresh(letter)
    assert (letter.reply_due, letter.extension_days, letter.extension_requested) == (due, 0, False)
    assert "request_extension" in workflow.available_actions(world["jyj_editor"], letter)


def test_a_box_without_extension_refuses_requests(world):
    world.mayor.extension_days = 0
    world.mayor.save(update_fields=["extension_days"])
    letter = bring_to(world, S.ASSIGNED)
    assert letter.max_extension_days == 0
    with pytest.raises(TransitionError):
        workflow.perform(letter, "request_extension", world["jyj_editor"], note="申请延期。")


# --- Merging, assigning, forwarding -----------------------------------------------------------------


def test_merge_needs_another_existing_letter(world):
    letter = bring_to(world, S.SUBMITTED)
    for target in ("", "20260101999999", letter.number):
        with pytest.raises(ValidationError) as refused:
            workflow.perform(letter, "merge", world["dispatcher"], target_number=target)
        assert "target_number" in refused.value.message_dict
    rejected = bring_to(world, S.REJECTED)
    with pytest.raises(ValidationError):
        workflow.perform(letter, "merge", world["dispatcher"], target_number=rejected.number)
    assert fresh(letter).state == S.SUBMITTED
    original = bring_to(world, S.ASSIGNED)
    workflow.perform(letter, "merge", world["dispatcher"], target_number=f" {original.number} ")
    letter = fresh(letter)
    assert (letter.state, letter.merged_into) == (S.MERGED, original)
    assert letter.closed_at is not None


def test_letters_go_only_to_departments_and_towns(world):
    letter = bring_to(world, S.ACCEPTED)
    portal = Organisation.objects.get(label="www")
    for unit in (None, "", portal, portal.pk, 999999):
        with pytest.raises(ValidationError) as refused:
            workflow.perform(letter, "assign", world["dispatcher"], unit=unit)
        assert "unit" in refused.value.message_dict
    workflow.perform(letter, "assign", world["dispatcher"], unit=Organisation.objects.get(label="lancun").pk)
    assert fresh(letter).unit.label == "lancun"


def test_forwarding_to_a_section_keeps_the_unit_and_to_another_unit_hands_it_over(world):
    letter = bring_to(world, S.ASSIGNED)
    editor = world["jyj_editor"]
    with pytest.raises(ValidationError):
        workflow.perform(letter, "forward", editor)
    with pytest.raises(ValidationError):
        workflow.perform(letter, "forward", editor, unit=world.jyj)
    workflow.perform(letter, "forward", editor, section="基础教育科")
    letter = fresh(letter)
    assert (letter.unit, letter.section, letter.state) == (world.jyj, "基础教育科", S.ASSIGNED)
    workflow.perform(letter, "forward", editor, unit=world.gaj)
    letter = fresh(letter)
    assert letter.unit == world.gaj and letter.section == ""
    assert workflow.roles_for(editor, letter) == set()
    assert workflow.HANDLER in workflow.roles_for(world["gaj_editor"], letter)


def test_a_returned_letter_goes_back_to_the_dispatchers(world):
    letter = bring_to(world, S.RETURNED)
    assert letter.unit is None
    event = events_of(letter)[-1]
    assert (event.action, event.from_unit, event.to_unit) == ("return", world.jyj, None)
    workflow.perform(letter, "assign", world["dispatcher"], unit=world.gaj)
    assert fresh(letter).unit == world.gaj


def test_accepting_on_a_units_own_box_assigns_it_to_that_unit(world):
    letter, _ = write_letter(world.director)
    assert workflow.roles_for(world["jyj_admin"], letter) == {workflow.DISPATCHER}
    workflow.perform(letter, "accept", world["jyj_admin"], note="予以受理。")
    letter = fresh(letter)
    assert (letter.state, letter.unit) == (S.ASSIGNED, world.jyj)
    accept, assign = [e for e in events_of(letter) if e.action != "submit"]
    assert (accept.action, accept.from_state, accept.to_state, accept.note) == (
        "accept",
        S.SUBMITTED,
        S.ACCEPTED,
        "予以受理。",
    )
    assert (assign.action, assign.from_state, assign.to_state, assign.to_unit) == (
        "assign",
        S.ACCEPTED,
        S.ASSIGNED,
        world.jyj,
    )
    assert accept.actor == assign.actor == world["jyj_admin"]
    assert letter.accepted_at and letter.assigned_at


def test_a_rejected_letter_keeps_the_reason_and_is_closed(world):
    letter = bring_to(world, S.REJECTED)
    assert letter.rejection_reason.startswith("所反映事项")
    assert letter.closed_at is not None and not letter.is_open
    assert events_of(letter)[-1].public


# --- Replies --------------------------------------------------------------------------------------


def test_a_reply_must_say_something(world):
    letter = bring_to(world, S.ASSIGNED)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(letter, "submit_reply", world["jyj_editor"], reply="  已阅。 ")
    assert "reply" in refused.value.message_dict
    workflow.save_reply_draft(letter, world["jyj_editor"], REPLY)
    workflow.perform(letter, "submit_reply", world["jyj_editor"])  # the saved draft is submitted
    letter = fresh(letter)
    assert (letter.state, letter.reply, letter.reply_drafted_by) == (
        S.REPLY_REVIEW,
        REPLY,
        world["jyj_editor"],
    )


def test_drafts_are_for_handlers_of_letters_being_handled(world):
    letter = bring_to(world, S.ASSIGNED)
    with pytest.raises(PermissionDenied):
        workflow.save_reply_draft(letter, world["gaj_editor"], REPLY)
    review = bring_to(world, S.REPLY_REVIEW)
    with pytest.raises(TransitionError):
        workflow.save_reply_draft(review, world["jyj_editor"], REPLY)
    assert len(events_of(letter)) == len(events_of(fresh(letter)))


def test_a_blocking_sensitive_word_in_the_reply_stops_approval(world):
    SensitiveWord.objects.create(
        word="测试禁用语", severity=SensitiveWord.Severity.BLOCK, replacement="规范用语"
    )
    letter = bring_to(world, S.ASSIGNED)
    workflow.perform(
        letter, "submit_reply", world["jyj_editor"], reply="您好，" + "测试禁用语" + "的问题已经处理完毕。"
    )
    with pytest.raises(ValidationError) as refused:
        workflow.perform(letter, "approve_reply", world["jyj_admin"])
    assert "测试禁用语" in " ".join(refused.value.message_dict["reply"])
    letter = fresh(letter)
    assert letter.state == S.REPLY_REVIEW and letter.closed_at is None
    workflow.perform(letter, "reject_reply", world["jyj_admin"], note="请修改措辞。")
    workflow.perform(letter, "submit_reply", world["jyj_editor"], reply=REPLY)
    workflow.perform(letter, "approve_reply", world["jyj_admin"])
    letter = fresh(letter)
    assert letter.state == S.CLOSED and letter.reply_approved_by == world["jyj_admin"]
    assert letter.on_time is True and letter.replied_at == letter.closed_at


def test_a_late_reply_is_recorded_as_late(world):
    letter = bring_to(world, S.REPLY_REVIEW)
    Letter.objects.filter(pk=letter.pk).update(reply_due=timezone.localdate() - timedelta(days=1))
    workflow.perform(letter, "approve_reply", world["jyj_admin"])
    letter = fresh(letter)
    assert letter.state == S.CLOSED and letter.on_time is False


# --- The citizen's steps ---------------------------------------------------------------------------


def test_rating_is_for_closed_letters_and_only_once(world):
    open_letter = bring_to(world, S.ASSIGNED)
    with pytest.raises(TransitionError):
        workflow.rate(open_letter, 5)
    letter = bring_to(world, S.CLOSED)
    with pytest.raises(ValidationError):
        workflow.rate(letter, 9)
    workflow.rate(letter, Letter.Rating.SATISFIED, comment="答复及时，问题已解决。")
    letter = fresh(letter)
    assert letter.rating == 4 and letter.rated_at is not None
    event = events_of(letter)[-1]
    assert (event.action, event.actor, event.actor_label, event.note) == ("rate", None, "来信人", "满意")
    assert letter.comments.get().content == "答复及时，问题已解决。"
    with pytest.raises(TransitionError):
        workflow.rate(letter, Letter.Rating.VERY_DISSATISFIED)
    assert fresh(letter).rating == 4


def test_comments_wait_for_the_reply_and_for_moderation(world):
    letter = bring_to(world, S.REPLY_REVIEW)
    with pytest.raises(TransitionError):
        workflow.add_comment(letter, "什么时候答复？")
    letter = bring_to(world, S.CLOSED)
    with pytest.raises(ValidationError):
        workflow.add_comment(letter, "   ")
    with pytest.raises(ValidationError):
        workflow.add_comment(letter, "北朝鲜")  # a seeded blocking word
    comment = workflow.add_comment(letter, "感谢答复！", ip="10.0.0.9")
    assert comment.status == comment.Status.PENDING
    with pytest.raises(PermissionDenied):
        workflow.moderate_comment(comment, world["jyj_editor"], approve=True)
    workflow.moderate_comment(comment, world["jyj_admin"], approve=True)
    comment.refresh_from_db()
    assert comment.status == comment.Status.APPROVED and comment.moderated_by == world["jyj_admin"]


def test_submission_records_the_box_rule_and_a_first_event(world):
    letter, code = write_letter(world.mayor)
    assert len(code) == 6 and letter.number.endswith(f"{letter.pk:06d}")
    assert letter.number.startswith(f"{letter.received_date:%Y%m%d}")
    assert (letter.day_basis, letter.accept_days, letter.reply_days, letter.max_extension_days) == (
        "workday",
        2,
        15,
        15,
    )
    [event] = events_of(letter)
    assert (event.action, event.from_state, event.to_state, event.actor_label) == (
        "submit",
        "",
        S.SUBMITTED,
        "来信人",
    )
    assert workflow.find_letter(letter.number, code.lower(), "10.0.0.1") == letter
    with pytest.raises(workflow.QueryRefused):
        workflow.find_letter(letter.number, "WRONG1", "10.0.0.1")


def test_a_letter_type_the_box_does_not_take_is_refused(world):
    world.mayor.letter_types = "consult,complaint"
    world.mayor.save(update_fields=["letter_types"])
    with pytest.raises(ValidationError) as refused:
        write_letter(world.mayor, letter_type="suggestion")
    assert "letter_type" in refused.value.message_dict


# --- Duplicate submissions -------------------------------------------------------------------------


def submit(box, token, **overrides):
    fields = {
        "letter_type": "complaint",
        "title": "路灯损坏",
        "content": "鹤山路与烟青路路口的路灯已经损坏一个月，夜间行人很不安全。",
        "name": "李明",
        "phone": "13912345678",
    }
    fields.update(overrides)
    return workflow.submit_letter(box, token=token, **fields)


def test_a_replayed_form_stores_one_letter(world):
    token = workflow.new_submission_token()
    letter, _code = submit(world.mayor, token)
    with pytest.raises(DuplicateSubmission) as replay:
        submit(world.mayor, token, title="路灯损坏（重复提交）")
    assert replay.value.letter == letter
    assert Letter.objects.filter(submission_token=token).count() == 1
    assert Letter.objects.get(submission_token=token).title == "路灯损坏"
    assert LetterEvent.objects.filter(letter=letter, action="submit").count() == 1


def test_a_double_submit_inside_one_transaction_stays_usable(world):
    """Two requests with the same token: the second meets the unique constraint, which is turned
    into DuplicateSubmission inside a savepoint, so the surrounding transaction is not broken."""
    token = workflow.new_submission_token()
    with transaction.atomic():
        first, _ = submit(world.mayor, token)
        with pytest.raises(DuplicateSubmission) as second:
            submit(world.mayor, token)
        # The transaction is still usable: no TransactionManagementError after the IntegrityError.
        assert Letter.objects.filter(submission_token=token).count() == 1
        other, _ = submit(world.mayor, workflow.new_submission_token())
    assert second.value.letter == first
    assert other.pk != first.pk and other.number != first.number
    assert Letter.objects.filter(pk__in=[first.pk, other.pk]).count() == 2
