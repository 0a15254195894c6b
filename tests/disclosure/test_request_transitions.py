"""Every action against every state, who may act, what each step must carry, the applicant's own
steps, and a replayed form filing one request only. The rules are disclosure/workflow.py's."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from disclosure import workflow
from disclosure.models import DisclosureRequest, RequestEvent
from tests.factories.disclosure import file_request, supervisor

pytestmark = pytest.mark.django_db
S = DisclosureRequest.State
STATES = list(S.values)
STAFF_ACTIONS = [name for name, t in workflow.TRANSITIONS.items() if workflow.APPLICANT not in t.roles]
APPLICANT_ACTIONS = ["clarify", "withdraw"]
# What each action needs to succeed, so that a refusal can only come from the state.
PARAMS = {"extend": {"days": 5}, "answer": {"result": "open"}}
NOTE = "依法办理的说明，内容完整。"
CLARIFICATION = "补正：所需信息为2026年城区小学学区划分方案。"


def user(name):
    return get_user_model().objects.get(username=name)


def bring_to(state, unit="jyj"):
    """A fresh request of `unit` in `state`, through the workflow."""
    request, _code = file_request(unit)
    admin = user("admin")
    if state == S.CLARIFICATION:
        request = workflow.perform(request, "request_clarification", admin, note="请补充文号。")
    elif state == S.CONSULTING:
        request = workflow.perform(request, "start_consultation", admin, note="征求第三方意见。")
    elif state == S.ANSWERED:
        request = workflow.perform(request, "answer", admin, note=NOTE, result="open")
    elif state == S.WITHDRAWN:
        request = workflow.applicant_action(request, "withdraw", "不再需要。")
    assert request.state == state
    return request


def test_the_table_covers_every_state_and_action():
    targets = {t.target for t in workflow.TRANSITIONS.values()} - {None}
    sources = set().union(*(t.sources for t in workflow.TRANSITIONS.values())) - {None}
    assert targets | sources == set(STATES)
    assert set(STAFF_ACTIONS) | set(APPLICANT_ACTIONS) | {"submit"} == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_staff_action_in_state(action, state):
    transition = workflow.TRANSITIONS[action]
    request = bring_to(state)
    events = request.events.count()
    if state in transition.sources:
        done = workflow.perform(request, action, user("admin"), note=NOTE, **PARAMS.get(action, {}))
        assert done.state == (transition.target or state)
        event = done.events.last()
        assert (event.action, event.from_state, event.to_state) == (action, state, done.state)
        assert event.actor == user("admin") and event.note == NOTE
        assert done.handled_by == user("admin")
    else:
        with pytest.raises(workflow.TransitionError, match="不能进行"):
            workflow.perform(request, action, user("admin"), note=NOTE, **PARAMS.get(action, {}))
        request.refresh_from_db()
        assert request.state == state and request.events.count() == events


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", APPLICANT_ACTIONS)
def test_applicant_action_in_state(action, state):
    transition = workflow.TRANSITIONS[action]
    request = bring_to(state)
    if state in transition.sources:
        done = workflow.applicant_action(request, action, CLARIFICATION)
        assert done.state == transition.target
        event = done.events.last()
        assert event.actor is None and event.actor_label == "申请人" and event.from_state == state
    else:
        with pytest.raises(workflow.TransitionError):
            workflow.applicant_action(request, action, CLARIFICATION)
        request.refresh_from_db()
        assert request.state == state


@pytest.mark.parametrize("state", STATES)
def test_available_actions_are_exactly_the_allowed_ones(state):
    request = bring_to(state)
    expected = [a for a in STAFF_ACTIONS if state in workflow.TRANSITIONS[a].sources]
    assert workflow.available_actions(user("admin"), request) == expected


@pytest.mark.parametrize("action", ["submit", "clarify", "withdraw", "delete", ""])
def test_staff_cannot_take_the_applicant_s_steps_or_unknown_ones(action):
    request = bring_to(S.RECEIVED)
    with pytest.raises(workflow.TransitionError, match="未知的操作"):
        workflow.perform(request, action, user("admin"), note=NOTE)


@pytest.mark.parametrize("action", ["answer", "extend", "submit", "request_clarification"])
def test_the_applicant_cannot_take_staff_steps(action):
    request = bring_to(S.RECEIVED)
    with pytest.raises(workflow.TransitionError, match="未知的操作"):
        workflow.applicant_action(request, action, CLARIFICATION)


# --- Roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    ["gaj_editor", "gaj_admin", "portal_admin", "gk_supervisor", "anonymous", "inactive"],
)
@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_people_without_a_role_in_the_unit_are_refused(username, action):
    state = next(iter(workflow.TRANSITIONS[action].sources))
    request = bring_to(state)
    if username == "anonymous":
        actor = AnonymousUser()
    elif username == "gk_supervisor":
        actor = supervisor()
    elif username == "inactive":
        actor = user("jyj_admin")
        actor.is_active = False
        actor.save(update_fields=["is_active"])
    else:
        actor = user(username)
    with pytest.raises(PermissionDenied, match="您无权"):
        workflow.perform(request, action, actor, note=NOTE, **PARAMS.get(action, {}))
    request.refresh_from_db()
    assert request.state == state
    assert workflow.available_actions(actor, request) == []


def test_the_unit_s_editor_handles_but_cannot_extend():
    request = bring_to(S.RECEIVED)
    editor = user("jyj_editor")
    assert workflow.available_actions(editor, request) == [
        "request_clarification",
        "start_consultation",
        "answer",
    ]
    with pytest.raises(PermissionDenied, match="延长答复期限"):
        workflow.perform(request, "extend", editor, note=NOTE, days=5)
    workflow.perform(request, "answer", editor, note=NOTE, result="open")


def test_the_unit_s_admin_handles_and_extends():
    request = bring_to(S.RECEIVED)
    head = user("jyj_admin")
    assert workflow.available_actions(head, request) == [
        "request_clarification",
        "start_consultation",
        "extend",
        "answer",
    ]
    request = workflow.perform(request, "extend", head, note=NOTE, days=5)
    assert request.events.last().actor_label == "单位负责人"
    request = workflow.perform(request, "answer", head, note=NOTE, result="open")
    assert request.events.last().actor_label == "公开专员"


# --- What each step must carry --------------------------------------------------------------------


@pytest.mark.parametrize("action", ["request_clarification", "start_consultation", "extend"])
@pytest.mark.parametrize("note", ["", "   "])
def test_steps_that_need_a_reason_refuse_an_empty_note(action, note):
    request = bring_to(S.RECEIVED)
    with pytest.raises(ValidationError) as error:
        workflow.perform(request, action, user("admin"), note=note, **PARAMS.get(action, {}))
    assert "note" in error.value.message_dict
    request.refresh_from_db()
    assert request.state == S.RECEIVED and request.extension_days == 0
    assert request.events.count() == 1


@pytest.mark.parametrize("result", ["", "maybe", None])
def test_an_answer_needs_a_known_result(result):
    request = bring_to(S.RECEIVED)
    with pytest.raises(ValidationError) as error:
        workflow.perform(request, "answer", user("admin"), note=NOTE, result=result)
    assert error.value.message_dict["result"] == ["请选择办理结果。"]
    request.refresh_from_db()
    assert request.state == S.RECEIVED and not request.result


@pytest.mark.parametrize("result", sorted(workflow.NEEDS_REASON))
def test_every_answer_other_than_disclosure_needs_its_reasons(result):
    request = bring_to(S.RECEIVED)
    with pytest.raises(ValidationError) as error:
        workflow.perform(request, "answer", user("admin"), note="不予", result=result)
    assert error.value.message_dict["note"] == ["除予以公开外，答复须写明理由和依据。"]
    done = workflow.perform(
        request, "answer", user("admin"), note="依据条例第十四条，不予公开。", result=result
    )
    assert done.result == result and done.state == S.ANSWERED


def test_a_disclosure_answer_still_needs_some_content():
    request = bring_to(S.RECEIVED)
    with pytest.raises(ValidationError) as error:
        workflow.perform(request, "answer", user("admin"), note="", result="open")
    assert error.value.message_dict["note"] == ["请填写答复内容。"]


def test_the_answer_document_goes_to_private_storage():
    request = bring_to(S.RECEIVED)
    document = ContentFile(b"%PDF-1.4\n%%EOF\n", name="答复书.pdf")
    done = workflow.perform(request, "answer", user("admin"), note=NOTE, result="open", document=document)
    assert done.answer_document.name.startswith("disclosure/answers/")
    assert done.answer_document.name.endswith(".pdf") and "答复书" not in done.answer_document.name
    assert done.answer_document.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not done.answer_document.path.startswith(str(settings.MEDIA_ROOT))


def test_closing_an_unclarified_request_records_its_result():
    request = bring_to(S.CLARIFICATION)
    done = workflow.perform(request, "close_unclarified", user("jyj_editor"))
    assert done.state == S.ANSWERED
    assert done.result == "other_no_clarification" and done.on_time is True
    assert done.answer == workflow.result_label("other_no_clarification")


def test_result_labels_read_as_the_report_rows():
    assert workflow.result_label("open") == "予以公开"
    assert workflow.result_label("refuse_third_party") == "不予公开：保护第三方合法权益"
    assert workflow.result_label("nonsense") == ""


# --- The applicant's steps ------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["", "好", "补正内容", "   补正   "])
def test_a_clarification_needs_content(note):
    request = bring_to(S.CLARIFICATION)
    with pytest.raises(ValidationError) as error:
        workflow.applicant_action(request, "clarify", note)
    assert "note" in error.value.message_dict
    request.refresh_from_db()
    assert request.state == S.CLARIFICATION


def test_a_clarification_is_kept_with_the_request():
    request = bring_to(S.CLARIFICATION)
    done = workflow.applicant_action(request, "clarify", CLARIFICATION)
    assert done.clarification_reply == CLARIFICATION
    assert done.events.last().note == CLARIFICATION


@pytest.mark.parametrize("state", [S.RECEIVED, S.CLARIFICATION])
def test_withdrawing_closes_the_request_under_other_handling(state):
    request = bring_to(state)
    done = workflow.applicant_action(request, "withdraw", "")
    assert done.state == S.WITHDRAWN
    assert done.result == workflow.WITHDRAWN_RESULT == "other"
    assert done.answered_at is not None and done.on_time is None
    assert workflow.available_actions(user("admin"), done) == []


def test_the_query_code_finds_the_request_and_a_wrong_one_does_not():
    request, code = file_request("jyj")
    assert workflow.find_request(request.receipt_number.lower(), code.lower(), "10.0.0.9") == request
    with pytest.raises(workflow.QueryRefused) as refused:
        workflow.find_request(request.receipt_number, "WRONG1", "10.0.0.9")
    assert refused.value.status == 404


# --- Submission -----------------------------------------------------------------------------------


def test_a_replayed_form_files_one_request():
    request, _code = file_request("jyj", token="same-token-twice")
    with pytest.raises(workflow.DuplicateSubmission) as duplicate:
        file_request("jyj", token="same-token-twice", description="同一表单再次提交。")
    assert duplicate.value.request == request
    assert DisclosureRequest.objects.filter(submission_token="same-token-twice").count() == 1
    assert RequestEvent.objects.filter(request=request).count() == 1


def test_a_request_starts_received_with_a_receipt_number_and_a_hashed_code():
    request, code = file_request("jyj", id_number=" 37028219900101123x ")
    assert request.state == S.RECEIVED
    assert request.receipt_number.startswith("GK") and request.receipt_number.endswith(f"{request.pk:06d}")
    assert code not in request.query_code_hash and len(code) == 6
    assert request.id_number == "37028219900101123X"
    event = request.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor_label) == (
        "submit",
        "",
        S.RECEIVED,
        "申请人",
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"applicant_kind": "robot"}, "applicant_kind"),
        ({"applicant_kind": "commercial", "contact_name": ""}, "contact_name"),
        ({"acquisition": "post", "address": " "}, "address"),
        ({"acquisition": "email", "email": ""}, "email"),
    ],
)
def test_incomplete_applications_are_refused_with_the_field(overrides, field):
    before = DisclosureRequest.objects.count()
    with pytest.raises(ValidationError) as error:
        file_request("jyj", **overrides)
    assert field in error.value.message_dict
    assert DisclosureRequest.objects.count() == before
