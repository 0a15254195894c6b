"""The application (办件) workflow: every entry of the transition table, who may take it, and its
side rules (notes, routing, materials, replayed forms, on-time closing).

The helpers at the top (`make_world`, `bring_to`, `fresh`, `events_of`) are shared by the other
service test modules.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from home import uploads
from home.models import Organisation
from home.workdays import add_workdays
from services import workflow
from services.models import Application, ApplicationEvent, ApplicationMaterial, ServiceItemPage
from services.workflow import TRANSITIONS, DuplicateSubmission, TransitionError
from tests.factories.services import add_item, apply, pdf
from tests.factories.site_group import group_fixture, make_user

S = Application.State
STAFF_USERS = (
    "jyj_editor",
    "jyj_admin",
    "gaj_editor",
    "gaj_admin",
    "portal_admin",
    "svc_supervisor",
    "admin",
)
SUPPLEMENT_NOTE = "请补充上传儿童出生医学证明的清晰扫描件（正反面）。"
REJECT_NOTE = "申请人户籍不在本市，且未提供居住证，不符合受理条件。"
DENY_NOTE = "经审核，所在学区学位已满，不予准予，请向教育局咨询统筹安排。"


@dataclass
class World:
    item: ServiceItemPage
    jyj: Organisation
    gaj: Organisation
    users: dict

    def __getitem__(self, username):
        return self.users[username]

    def gaj_item(self):
        """公安局's own item (created on first use)."""
        if not hasattr(self, "_gaj_item"):
            self._gaj_item = add_item(
                "gaj", title="户口迁入登记", themes=(), events=(), materials=(("户口簿", True),)
            )
        return self._gaj_item


def make_world():
    """教育局's item and every staff user (plus a 政务服务监督员), each with an e-mail address."""
    supervisors = workflow.ensure_role_groups()
    users = group_fixture()["users"]
    if "svc_supervisor" not in users:
        users["svc_supervisor"] = make_user("svc_supervisor", supervisors)
    for username in STAFF_USERS:
        user = users[username]
        user.email = f"{username}@jimo.example.cn"
        user.save(update_fields=["email"])
    return World(
        item=add_item("jyj"),
        jyj=Organisation.objects.get(label="jyj"),
        gaj=Organisation.objects.get(label="gaj"),
        users=users,
    )


@pytest.fixture
def world(db):
    return make_world()


def fresh(application):
    return Application.objects.select_related("item", "organisation", "assignee").get(pk=application.pk)


def events_of(application):
    return list(ApplicationEvent.objects.filter(application=application).order_by("pk"))


def slot_files(item, *names):
    """{material pk: [CheckedUpload]} for the named slots (all required slots when none named)."""
    materials = [m for m in item.materials.all() if (m.name in names if names else m.required)]
    return {m.pk: uploads.check_uploads([pdf(f"{m.name}.pdf")]) for m in materials}


def staff(world, application):
    """The window clerk and the head of the application's department."""
    label = application.organisation.label
    return world[f"{label}_editor"], world[f"{label}_admin"]


def bring_to(world, state, item=None, submitted_at=None, assignee=None, **overrides):
    """An application taken to `state` through the workflow, by its department's own staff.

    Routed applications go to `assignee` (default: the department head) at the 审批岗.
    """
    application = apply(item or world.item, submitted_at=submitted_at, **overrides)
    clerk, head = staff(world, application)
    assignee = assignee or head
    if state == S.SUBMITTED:
        return fresh(application)
    if state in (S.SUPPLEMENT, S.WITHDRAWN):
        if state == S.WITHDRAWN:
            workflow.applicant_action(application, "withdraw", note="信息填写有误，撤回后重新申请。")
        else:
            workflow.perform(application, "request_supplement", clerk, note=SUPPLEMENT_NOTE)
        return fresh(application)
    if state == S.REJECTED:
        workflow.perform(application, "reject", clerk, note=REJECT_NOTE)
        return fresh(application)
    workflow.perform(application, "accept", clerk)
    if state in (S.IN_REVIEW, S.DECIDED, S.CLOSED):
        workflow.perform(application, "route", clerk, assignee=assignee, post="审批岗")
    if state in (S.DECIDED, S.CLOSED):
        workflow.perform(application, "approve", assignee, note="符合条件，准予登记。")
    if state == S.CLOSED:
        workflow.perform(application, "close", clerk)
    application = fresh(application)
    assert application.state == state
    return application


# --- Every (action, state) pair of the table ------------------------------------------------------

STAFF_ACTIONS = [name for name, t in TRANSITIONS.items() if workflow.APPLICANT not in t.roles]
APPLICANT_ACTIONS = [
    name for name, t in TRANSITIONS.items() if workflow.APPLICANT in t.roles and name != "submit"
]
ALLOWED = [(action, state) for action in STAFF_ACTIONS for state in sorted(TRANSITIONS[action].sources)]
REFUSED = [
    (action, state)
    for action in STAFF_ACTIONS
    for state in S.values
    if state not in TRANSITIONS[action].sources
]
APPLICANT_ALLOWED = [
    (action, state) for action in APPLICANT_ACTIONS for state in sorted(TRANSITIONS[action].sources)
]
APPLICANT_REFUSED = [
    (action, state)
    for action in APPLICANT_ACTIONS
    for state in S.values
    if state not in TRANSITIONS[action].sources
]
# The post each staff step records (route and the decisions record the routed post).
STEP_POSTS = {
    "request_supplement": "窗口预审",
    "reject": "窗口预审",
    "accept": "窗口受理",
    "approve": "审批岗",
    "deny": "审批岗",
    "close": "窗口办结",
}


def test_the_table_covers_every_action_with_an_effect():
    assert set(STAFF_ACTIONS) == set(workflow._EFFECTS)
    assert APPLICANT_ACTIONS == ["resubmit", "withdraw", "rate"]
    assert all(state in S.values for t in TRANSITIONS.values() for state in t.sources if state is not None)
    assert {t.target for t in TRANSITIONS.values()} - {None} <= set(S.values)
    assert len(ALLOWED) + len(REFUSED) == len(STAFF_ACTIONS) * len(S.values)


def prepare(world, action, state):
    """An application in `state`, the user who takes `action` on it, and the step's parameters."""
    application = bring_to(world, state)
    clerk, head = staff(world, application)
    params = {}
    user = clerk if workflow.CLERK in TRANSITIONS[action].roles else head
    if action == "route":
        # From review, a step is handed on to another person of the department.
        params = {"assignee": clerk if state == S.IN_REVIEW else head, "post": "审核岗"}
    return application, user, params


@pytest.mark.parametrize(("action", "state"), ALLOWED)
def test_each_staff_action_is_allowed_from_each_of_its_source_states(world, action, state):
    application, user, params = prepare(world, action, state)
    transition = TRANSITIONS[action]
    note = f"{transition.label}：测试说明"
    before = len(events_of(application))
    [role] = sorted(workflow.roles_for(user, application) & transition.roles)[:1]

    result = workflow.perform(application, action, user, note=note, **params)

    application = fresh(application)
    assert result.pk == application.pk
    assert application.state == transition.target
    new_events = events_of(application)[before:]
    assert len(new_events) == 1
    [event] = new_events
    assert (event.action, event.from_state, event.to_state) == (action, state, application.state)
    assert event.actor == user
    assert event.note == note
    assert event.post == (params["post"] if action == "route" else STEP_POSTS[action])
    assert event.actor_label == workflow.ROLE_NAMES[role]
    if action == "route":
        assert (event.assignee, event.due) == (params["assignee"], application.promised_due)
        assert (application.assignee, application.step_post, application.step_due) == (
            params["assignee"],
            "审核岗",
            application.promised_due,
        )


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_each_staff_action_is_refused_from_every_other_state(world, action, state):
    application = bring_to(world, state)
    before = len(events_of(application))
    # The superuser holds every staff role: only the state can stand in the way.
    with pytest.raises(TransitionError):
        workflow.perform(
            application, action, world["admin"], note="测试说明", assignee=world["jyj_admin"], post="审核岗"
        )
    assert fresh(application).state == state
    assert len(events_of(application)) == before


@pytest.mark.parametrize(("action", "state"), APPLICANT_ALLOWED)
def test_each_applicant_action_is_allowed_from_each_of_its_source_states(world, action, state):
    application = bring_to(world, state)
    before = len(events_of(application))
    kwargs = {
        "resubmit": {"files_by_slot": slot_files(world.item, "儿童出生医学证明")},
        "rate": {"rating": Application.Rating.GOOD},
    }.get(action, {})

    result = workflow.applicant_action(application, action, note="申请人说明", **kwargs)

    application = fresh(application)
    assert result.pk == application.pk
    assert application.state == (TRANSITIONS[action].target or state)
    [event] = events_of(application)[before:]
    assert (event.action, event.from_state, event.to_state) == (action, state, application.state)
    assert (event.actor, event.actor_label) == (None, "申请人")
    assert event.note == ("满意" if action == "rate" else "申请人说明")


@pytest.mark.parametrize(("action", "state"), APPLICANT_REFUSED)
def test_each_applicant_action_is_refused_from_every_other_state(world, action, state):
    application = bring_to(world, state)
    before = len(events_of(application))
    materials = ApplicationMaterial.objects.filter(application=application).count()
    with pytest.raises(TransitionError):
        workflow.applicant_action(
            application,
            action,
            note="申请人说明",
            files_by_slot=slot_files(world.item, "儿童出生医学证明"),
            rating=Application.Rating.GOOD,
        )
    application = fresh(application)
    assert application.state == state and application.rating is None
    assert len(events_of(application)) == before
    assert ApplicationMaterial.objects.filter(application=application).count() == materials


@pytest.mark.parametrize("action", ["submit", *APPLICANT_ACTIONS])
def test_applicant_steps_are_not_staff_actions(world, action):
    application = bring_to(world, S.CLOSED)
    with pytest.raises(TransitionError):
        workflow.perform(application, action, world["admin"], note="测试说明")
    with pytest.raises(TransitionError):
        workflow.perform(application, "no-such-action", world["admin"])
    assert len(events_of(application)) == len(events_of(fresh(application)))


@pytest.mark.parametrize("action", ["submit", *STAFF_ACTIONS])
def test_staff_steps_and_submit_are_not_applicant_actions(world, action):
    state = sorted(TRANSITIONS[action].sources - {None} or {S.SUBMITTED})[0]
    application = bring_to(world, state)
    before = len(events_of(application))
    with pytest.raises(TransitionError):
        workflow.applicant_action(application, action, note="申请人说明")
    assert fresh(application).state == state
    assert len(events_of(application)) == before


def test_an_unknown_applicant_action_is_refused(world):
    application = bring_to(world, S.SUBMITTED)
    with pytest.raises(TransitionError):
        workflow.applicant_action(application, "no-such-action")


# --- Who may act ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "action", "state"),
    [
        ("gaj_editor", "accept", S.SUBMITTED),
        ("gaj_admin", "request_supplement", S.SUBMITTED),
        ("gaj_admin", "route", S.ACCEPTED),
        ("gaj_admin", "approve", S.IN_REVIEW),
        ("gaj_editor", "close", S.DECIDED),
        ("jyj_editor", "approve", S.IN_REVIEW),  # neither the assignee nor the head
        ("jyj_editor", "deny", S.IN_REVIEW),
        ("portal_admin", "accept", S.SUBMITTED),
        ("portal_admin", "route", S.ACCEPTED),
        ("svc_supervisor", "accept", S.SUBMITTED),  # supervisors watch, they do not handle
        ("svc_supervisor", "approve", S.IN_REVIEW),
        ("svc_supervisor", "close", S.DECIDED),
    ],
)
def test_roles_not_allowed_are_refused(world, username, action, state):
    application = bring_to(world, state)
    before = len(events_of(application))
    with pytest.raises(PermissionDenied):
        workflow.perform(
            application, action, world[username], note="测试说明", assignee=world["jyj_admin"], post="审核岗"
        )
    application = fresh(application)
    assert application.state == state
    assert len(events_of(application)) == before


def test_other_departments_may_do_nothing_with_a_jyj_application(world):
    for state in (S.SUBMITTED, S.ACCEPTED, S.IN_REVIEW, S.DECIDED, S.CLOSED):
        application = bring_to(world, state)
        for username in ("gaj_editor", "gaj_admin", "portal_admin", "svc_supervisor"):
            assert workflow.available_actions(world[username], application) == []
            for action in STAFF_ACTIONS:
                with pytest.raises(PermissionDenied):
                    workflow.perform(
                        application,
                        action,
                        world[username],
                        note="测试说明",
                        assignee=world["jyj_admin"],
                        post="审核岗",
                    )
        assert fresh(application).state == state


def test_the_assignee_decides_and_loses_the_step_when_it_is_handed_on(world):
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    application = bring_to(world, S.IN_REVIEW, assignee=clerk)
    assert workflow.APPROVER in workflow.roles_for(clerk, application)
    # Handed on to the head: the clerk is no longer the approver.
    workflow.perform(application, "route", clerk, assignee=head, post="审批岗")
    application = fresh(application)
    with pytest.raises(PermissionDenied):
        workflow.perform(application, "approve", clerk)
    # Back to the clerk, who now decides, as 审批人.
    workflow.perform(application, "route", head, assignee=clerk, post="审核岗")
    workflow.perform(application, "approve", clerk, note="材料齐全，准予。")
    application = fresh(application)
    assert (application.state, application.approved) == (S.DECIDED, True)
    event = events_of(application)[-1]
    assert (event.actor, event.actor_label, event.post) == (clerk, "审批人", "审核岗")


@pytest.mark.parametrize("action", [name for name, t in TRANSITIONS.items() if t.needs_note])
def test_steps_that_need_a_reason_refuse_an_empty_note(world, action):
    state = sorted(TRANSITIONS[action].sources)[0]
    application = bring_to(world, state)
    before = len(events_of(application))
    for note in ("", "   ", None):
        with pytest.raises(ValidationError) as refused:
            workflow.perform(application, action, world["admin"], note=note)
        assert "note" in refused.value.message_dict
        assert not isinstance(refused.value, TransitionError)
    assert len(events_of(application)) == before
    assert fresh(application).state == state


def test_the_steps_that_need_a_reason_are_the_refusals():
    assert sorted(name for name, t in TRANSITIONS.items() if t.needs_note) == [
        "deny",
        "reject",
        "request_supplement",
    ]


# --- Routing --------------------------------------------------------------------------------------


def test_route_needs_a_department_assignee_a_post_and_a_due_date_within_the_promise(world):
    application = bring_to(world, S.ACCEPTED)
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    retired = make_user("jyj_retired", world.jyj.editor_group)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    today = timezone.localdate()
    before = len(events_of(application))

    def refused(field, **params):
        values = {"assignee": head, "post": "审批岗", "due": None, **params}
        with pytest.raises(ValidationError) as error:
            workflow.perform(application, "route", clerk, **values)
        assert field in error.value.message_dict, params
        assert not isinstance(error.value, TransitionError)

    for assignee in (None, "", 999999, world["gaj_editor"], world["gaj_admin"].pk, world["admin"], retired):
        refused("assignee", assignee=assignee)
    for post in ("", "   ", None):
        refused("post", post=post)
    for due in (application.promised_due + timedelta(days=1), today - timedelta(days=1)):
        refused("due", due=due)
    application = fresh(application)
    assert application.state == S.ACCEPTED and application.assignee is None
    assert len(events_of(application)) == before

    # A primary key of the department's staff works, as does today as the step's date.
    workflow.perform(application, "route", clerk, assignee=head.pk, post=" 审批岗 ", due=today)
    application = fresh(application)
    assert (application.state, application.assignee, application.step_post, application.step_due) == (
        S.IN_REVIEW,
        head,
        "审批岗",
        today,
    )
    assert set(workflow.assignable_users(world.jyj)) == {clerk, head}


def test_an_application_past_its_promised_date_can_still_be_routed(world):
    application = bring_to(world, S.ACCEPTED)
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(promised_due=today - timedelta(days=2))
    workflow.perform(
        application, "route", world["jyj_editor"], assignee=world["jyj_admin"], post="审批岗", due=today
    )
    assert fresh(application).state == S.IN_REVIEW


# --- Whole paths ----------------------------------------------------------------------------------


def test_the_whole_path_from_application_to_rating(world):
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    application = apply(world.item)
    today = timezone.localdate()
    first_precheck = application.precheck_due
    assert first_precheck == add_workdays(today, workflow.PRECHECK_WORKDAYS)

    workflow.perform(application, "request_supplement", clerk, note=SUPPLEMENT_NOTE)
    workflow.applicant_action(
        application, "resubmit", note="已补充。", files_by_slot=slot_files(world.item, "儿童出生医学证明")
    )
    workflow.perform(application, "accept", clerk, note="材料齐全，予以受理。")
    application = fresh(application)
    promised_due = add_workdays(today, world.item.promised_days)
    assert application.promised_due == promised_due
    assert application.legal_due == add_workdays(today, world.item.legal_days)
    workflow.perform(application, "route", clerk, note="请审批。", assignee=head, post="审批岗")
    workflow.perform(
        application, "approve", head, note="符合条件，准予登记。", result_file=pdf("入学通知书.pdf")
    )
    workflow.perform(application, "close", clerk, note="结果已送达。")
    workflow.applicant_action(application, "rate", note="办理很快。", rating=Application.Rating.VERY_GOOD)

    application = fresh(application)
    assert application.state == S.CLOSED
    assert application.supplement_request == SUPPLEMENT_NOTE
    assert (application.approved, application.decision) == (True, "符合条件，准予登记。")
    assert application.result_document.name.startswith("services/results/")
    assert application.accepted_at and application.decided_at and application.closed_at
    assert application.on_time is True
    assert (application.assignee, application.step_due) == (None, None)
    assert (application.rating, application.rating_comment) == (5, "办理很快。")
    assert application.rated_at is not None
    assert not application.is_open
    rounds = list(application.materials.values_list("material_name", "round"))
    assert rounds == [("户口簿或居住证", 1), ("儿童出生医学证明", 1), ("儿童出生医学证明", 2)]

    history = [
        (e.action, e.from_state, e.to_state, e.actor, e.actor_label, e.post, e.assignee, e.due)
        for e in events_of(application)
    ]
    assert history == [
        ("submit", "", S.SUBMITTED, None, "申请人", "", None, first_precheck),
        ("request_supplement", S.SUBMITTED, S.SUPPLEMENT, clerk, "窗口", "窗口预审", None, None),
        ("resubmit", S.SUPPLEMENT, S.SUBMITTED, None, "申请人", "", None, application.precheck_due),
        ("accept", S.SUBMITTED, S.ACCEPTED, clerk, "窗口", "窗口受理", None, promised_due),
        ("route", S.ACCEPTED, S.IN_REVIEW, clerk, "窗口", "审批岗", head, promised_due),
        ("approve", S.IN_REVIEW, S.DECIDED, head, "审批人", "审批岗", None, None),
        ("close", S.DECIDED, S.CLOSED, clerk, "窗口", "窗口办结", None, None),
        ("rate", S.CLOSED, S.CLOSED, None, "申请人", "", None, None),
    ]
    notes = [e.note for e in events_of(application)]
    assert notes[1:] == [
        SUPPLEMENT_NOTE,
        "已补充。",
        "材料齐全，予以受理。",
        "请审批。",
        "符合条件，准予登记。",
        "结果已送达。",
        "非常满意",
    ]

    # Rated once only; nothing more to do for anybody.
    with pytest.raises(TransitionError):
        workflow.applicant_action(application, "rate", rating=Application.Rating.BAD)
    assert fresh(application).rating == 5
    assert workflow.available_actions(world["admin"], application) == []


def test_the_deny_path(world):
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    application = bring_to(world, S.IN_REVIEW)
    workflow.perform(application, "deny", head, note=DENY_NOTE)
    application = fresh(application)
    assert (application.state, application.approved, application.decision) == (S.DECIDED, False, DENY_NOTE)
    assert application.decided_at is not None and application.closed_at is None
    workflow.perform(application, "close", clerk)
    application = fresh(application)
    assert application.state == S.CLOSED and application.approved is False
    assert application.on_time is True
    assert [e.action for e in events_of(application)] == ["submit", "accept", "route", "deny", "close"]


def test_a_rejected_application_keeps_the_reason_and_is_closed(world):
    application = bring_to(world, S.REJECTED)
    assert application.rejection_reason == REJECT_NOTE
    assert application.closed_at is not None and not application.is_open
    assert application.promised_due is None and application.accepted_at is None
    assert workflow.available_actions(world["admin"], application) == []
    with pytest.raises(TransitionError):
        workflow.applicant_action(application, "rate", rating=Application.Rating.VERY_BAD)


@pytest.mark.parametrize("state", [S.SUBMITTED, S.SUPPLEMENT])
def test_an_application_waiting_for_the_window_may_be_withdrawn(world, state):
    application = bring_to(world, state)
    workflow.applicant_action(application, "withdraw", note="不再需要办理。")
    application = fresh(application)
    assert application.state == S.WITHDRAWN
    assert application.closed_at is not None and not application.is_open
    event = events_of(application)[-1]
    assert (event.action, event.from_state, event.actor_label, event.note) == (
        "withdraw",
        state,
        "申请人",
        "不再需要办理。",
    )
    with pytest.raises(TransitionError):
        workflow.perform(application, "accept", world["jyj_editor"])
    with pytest.raises(TransitionError):
        workflow.applicant_action(application, "withdraw")


def test_resubmission_needs_files_of_the_items_own_slots(world):
    application = bring_to(world, S.SUPPLEMENT)
    other = add_item("jyj", title="学生资助申请", themes=(), events=())
    for files in (None, {}, {world.item.materials.first().pk: []}):
        with pytest.raises(ValidationError) as refused:
            workflow.applicant_action(application, "resubmit", files_by_slot=files)
        assert "materials" in refused.value.message_dict
    with pytest.raises(ValidationError):
        workflow.applicant_action(application, "resubmit", files_by_slot=slot_files(other))
    application = fresh(application)
    assert application.state == S.SUPPLEMENT
    assert application.materials.count() == 2
    # Only the slots asked about need a file: an optional one alone is enough.
    workflow.applicant_action(application, "resubmit", files_by_slot=slot_files(world.item, "房产证明"))
    assert fresh(application).state == S.SUBMITTED


def test_a_rating_must_be_one_of_the_five_levels(world):
    application = bring_to(world, S.CLOSED)
    for rating in (None, 0, 6, "5"):
        with pytest.raises(ValidationError) as refused:
            workflow.applicant_action(application, "rate", rating=rating)
        assert "rating" in refused.value.message_dict
    assert fresh(application).rating is None


def test_on_time_is_decided_at_closing_against_the_promised_date(world):
    today = timezone.localdate()
    on_the_day = bring_to(world, S.DECIDED)
    late = bring_to(world, S.DECIDED)
    Application.objects.filter(pk=on_the_day.pk).update(promised_due=today)
    Application.objects.filter(pk=late.pk).update(promised_due=today - timedelta(days=1))
    for application in (on_the_day, late):
        workflow.perform(application, "close", world["jyj_editor"])
    assert fresh(on_the_day).on_time is True
    assert fresh(late).on_time is False


# --- Submission -----------------------------------------------------------------------------------


def submit(item, token, files_by_slot=None):
    return workflow.submit_application(
        item,
        token=token,
        applicant_type="individual",
        applicant_name="刘晓梅",
        id_number=" 37028219880506100x ",
        phone="13953256789",
        files_by_slot=slot_files(item) if files_by_slot is None else files_by_slot,
        ip="10.0.0.2",
    )


def test_submission_stores_the_application_its_files_and_a_first_event(world):
    application = submit(world.item, workflow.new_submission_token())
    local = timezone.localtime(application.submitted_at)
    assert application.receipt_number == f"SQ{local:%Y%m%d}{application.pk:06d}"
    assert application.id_number == "37028219880506100X" and application.id_tail() == "06100X"
    assert (application.organisation, application.state) == (world.jyj, S.SUBMITTED)
    assert (application.promised_days, application.legal_days) == (5, 20)
    assert application.promised_due is None and application.legal_due is None
    stored = list(application.materials.order_by("pk"))
    assert [(m.material_name, m.original_name, m.kind, m.round) for m in stored] == [
        ("户口簿或居住证", "户口簿或居住证.pdf", "pdf", 1),
        ("儿童出生医学证明", "儿童出生医学证明.pdf", "pdf", 1),
    ]
    [event] = events_of(application)
    assert (event.action, event.from_state, event.to_state, event.actor_label, event.due) == (
        "submit",
        "",
        S.SUBMITTED,
        "申请人",
        application.precheck_due,
    )
    assert workflow.find_application(application.receipt_number, "06100x", "10.0.0.3") == application


def test_a_replayed_form_stores_exactly_one_application(world):
    token = workflow.new_submission_token()
    first = submit(world.item, token)
    with pytest.raises(DuplicateSubmission) as replay:
        submit(world.item, token)
    assert replay.value.application == first
    assert Application.objects.filter(item=world.item).count() == 1
    assert ApplicationMaterial.objects.filter(application__item=world.item).count() == 2
    assert ApplicationEvent.objects.filter(application__item=world.item).count() == 1


def test_a_missing_required_material_is_named(world):
    files = slot_files(world.item, "户口簿或居住证", "房产证明")
    with pytest.raises(ValidationError) as refused:
        submit(world.item, workflow.new_submission_token(), files)
    [message] = refused.value.message_dict["materials"]
    assert "儿童出生医学证明" in message and "户口簿" not in message and "房产证明" not in message
    assert not Application.objects.filter(item=world.item).exists()


def test_files_for_another_items_slots_are_refused(world):
    other = add_item("jyj", title="学生资助申请", themes=(), events=())
    files = {**slot_files(world.item), **slot_files(other)}
    with pytest.raises(ValidationError) as refused:
        submit(world.item, workflow.new_submission_token(), files)
    assert "材料清单不符" in " ".join(refused.value.messages)
    assert not Application.objects.filter(item=world.item).exists()
    assert not ApplicationMaterial.objects.filter(application__item__in=[world.item, other]).exists()


def test_items_not_open_for_online_application_are_refused(world):
    offline = add_item("jyj", title="教师资格认定（现场办理）", accepts_online=False, themes=(), events=())
    with pytest.raises(TransitionError):
        submit(offline, workflow.new_submission_token())
    world.item.unpublish()
    with pytest.raises(TransitionError):
        submit(world.item, workflow.new_submission_token())
    assert not Application.objects.filter(item__in=[offline, world.item]).exists()
