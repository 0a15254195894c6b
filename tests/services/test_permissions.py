"""Who holds which role for an application, who sees it, and which buttons they get: one matrix.

Applications: 教育局's at every state (one in review routed to its clerk instead of its head),
and two of 公安局's.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from services import workflow
from services.models import Application
from tests.services.test_workflow_transitions import STAFF_USERS, bring_to, fresh, make_world

S = Application.State
C, A, SV = workflow.CLERK, workflow.APPROVER, workflow.SUPERVISOR
ALL = {C, A, SV}

# (department, state, assignee) of each application in the matrix.
APPLICATIONS = {
    "submitted": ("jyj", S.SUBMITTED, None),
    "supplement": ("jyj", S.SUPPLEMENT, None),
    "rejected": ("jyj", S.REJECTED, None),
    "withdrawn": ("jyj", S.WITHDRAWN, None),
    "accepted": ("jyj", S.ACCEPTED, None),
    "review": ("jyj", S.IN_REVIEW, None),  # routed to the head
    "review-clerk": ("jyj", S.IN_REVIEW, "jyj_editor"),
    "decided": ("jyj", S.DECIDED, None),
    "closed": ("jyj", S.CLOSED, None),
    "gaj-submitted": ("gaj", S.SUBMITTED, None),
    "gaj-review": ("gaj", S.IN_REVIEW, None),
}
JYJ = [key for key, (unit, _state, _assignee) in APPLICATIONS.items() if unit == "jyj"]
GAJ = [key for key, (unit, _state, _assignee) in APPLICATIONS.items() if unit == "gaj"]

# Roles per user and application; applications not listed: no role.
ROLES = {
    "jyj_editor": {**dict.fromkeys(JYJ, {C}), "review-clerk": {C, A}},
    "jyj_admin": dict.fromkeys(JYJ, {C, A}),
    "gaj_editor": dict.fromkeys(GAJ, {C}),
    "gaj_admin": dict.fromkeys(GAJ, {C, A}),
    "portal_admin": {},
    "svc_supervisor": dict.fromkeys(APPLICATIONS, {SV}),
    "admin": dict.fromkeys(APPLICATIONS, ALL),
}

# Buttons per user and application, in the table's order; applications not listed: none.
CLERK_BUTTONS = {
    S.SUBMITTED: ["request_supplement", "reject", "accept"],
    S.ACCEPTED: ["route"],
    S.IN_REVIEW: ["route"],
    S.DECIDED: ["close"],
}
APPROVER_BUTTONS = {**CLERK_BUTTONS, S.IN_REVIEW: ["route", "approve", "deny"]}


def buttons(keys, table):
    found = {key: table.get(APPLICATIONS[key][1]) for key in keys}
    return {key: actions for key, actions in found.items() if actions}


ACTIONS = {
    "jyj_editor": {**buttons(JYJ, CLERK_BUTTONS), "review-clerk": ["route", "approve", "deny"]},
    "jyj_admin": buttons(JYJ, APPROVER_BUTTONS),
    "gaj_editor": buttons(GAJ, CLERK_BUTTONS),
    "gaj_admin": buttons(GAJ, APPROVER_BUTTONS),
    "admin": buttons(APPLICATIONS, APPROVER_BUTTONS),
}

# Applications each user sees in the admin list.
VISIBLE = {
    "jyj_editor": set(JYJ),
    "jyj_admin": set(JYJ),
    "gaj_editor": set(GAJ),
    "gaj_admin": set(GAJ),
    "portal_admin": set(),
    "svc_supervisor": set(APPLICATIONS),
    "admin": set(APPLICATIONS),
}


@pytest.fixture
def matrix(db):
    world = make_world()
    applications = {}
    for key, (unit, state, assignee) in APPLICATIONS.items():
        item = world.gaj_item() if unit == "gaj" else world.item
        applications[key] = bring_to(world, state, item=item, assignee=world[assignee] if assignee else None)
    return world, applications


def test_the_matrix_names_every_staff_user():
    assert set(ROLES) == set(VISIBLE) == set(STAFF_USERS)
    assert set(ACTIONS) <= set(STAFF_USERS)
    assert {state for _unit, state, _assignee in APPLICATIONS.values()} == set(S.values)


@pytest.mark.parametrize("username", STAFF_USERS)
def test_roles_for(matrix, username):
    world, applications = matrix
    user = world[username]
    actual = {key: workflow.roles_for(user, app) for key, app in applications.items()}
    expected = {key: ROLES[username].get(key, set()) for key in applications}
    assert actual == expected


@pytest.mark.parametrize("username", STAFF_USERS)
def test_visible_applications(matrix, username):
    world, applications = matrix
    user = world[username]
    by_pk = {app.pk: key for key, app in applications.items()}
    pks = list(workflow.visible_applications(user).values_list("pk", flat=True))
    assert len(pks) == len(set(pks))  # no duplicates from the combined queries
    assert {by_pk[pk] for pk in pks if pk in by_pk} == VISIBLE[username]
    for key, application in applications.items():
        assert workflow.can_view(user, application) == (key in VISIBLE[username])


@pytest.mark.parametrize("username", STAFF_USERS)
def test_available_actions(matrix, username):
    world, applications = matrix
    user = world[username]
    actual = {key: workflow.available_actions(user, app) for key, app in applications.items()}
    expected = {key: ACTIONS.get(username, {}).get(key, []) for key in applications}
    assert actual == expected


def test_every_offered_action_is_accepted_by_perform(matrix):
    """The buttons and perform() agree: what is offered is not refused for lack of a role."""
    world, applications = matrix
    for username in STAFF_USERS:
        for key, application in applications.items():
            for action in workflow.available_actions(world[username], application):
                roles = workflow.roles_for(world[username], application) & workflow.TRANSITIONS[action].roles
                assert roles, (username, key, action)


def test_the_assignee_is_approver_of_that_application_only(matrix):
    world, applications = matrix
    clerk, head = world["jyj_editor"], world["jyj_admin"]
    assigned, other = applications["review-clerk"], applications["review"]
    assert workflow.roles_for(clerk, assigned) == {C, A}
    assert workflow.roles_for(clerk, other) == {C}
    assert "approve" in workflow.available_actions(clerk, assigned)
    assert "approve" not in workflow.available_actions(clerk, other)

    # Handed on to the head, the clerk is a clerk again; the head is approver anyway.
    workflow.perform(assigned, "route", clerk, assignee=head, post="审批岗")
    assigned = fresh(assigned)
    assert workflow.roles_for(clerk, assigned) == {C}
    assert workflow.roles_for(head, assigned) == {C, A}

    # Routed to the clerk, decided and closed: closing ends the assignment.
    workflow.perform(other, "route", head, assignee=clerk, post="审核岗")
    other = fresh(other)
    assert workflow.roles_for(clerk, other) == {C, A}
    workflow.perform(other, "approve", clerk)
    assert workflow.roles_for(clerk, fresh(other)) == {C, A}  # until the window closes it
    workflow.perform(other, "close", clerk)
    other = fresh(other)
    assert other.assignee is None
    assert workflow.roles_for(clerk, other) == {C}


def test_an_assignee_who_left_the_department_keeps_only_the_assigned_application(matrix):
    world, applications = matrix
    clerk = world["jyj_editor"]
    clerk.groups.clear()
    clerk = type(clerk).objects.get(pk=clerk.pk)  # forget the cached group ids
    assert workflow.roles_for(clerk, applications["review-clerk"]) == {A}
    assert workflow.roles_for(clerk, applications["review"]) == set()
    assert workflow.available_actions(clerk, applications["review-clerk"]) == ["route", "approve", "deny"]
    visible = set(workflow.visible_applications(clerk).values_list("pk", flat=True))
    assert visible == {applications["review-clerk"].pk}


def test_inactive_and_anonymous_users_hold_no_role(matrix):
    world, applications = matrix
    application = applications["review-clerk"]
    assert workflow.roles_for(AnonymousUser(), application) == set()
    for username in ("jyj_editor", "jyj_admin", "svc_supervisor", "admin"):
        user = world[username]
        user.is_active = False
        user.save(update_fields=["is_active"])
        assert workflow.roles_for(user, application) == set(), username
        assert workflow.available_actions(user, application) == [], username
        assert not workflow.is_supervisor(user)


def test_supervisors_are_the_members_of_the_supervisor_group(matrix):
    world, _applications = matrix
    assert workflow.is_supervisor(world["svc_supervisor"])
    assert workflow.is_supervisor(world["admin"])
    assert not any(
        workflow.is_supervisor(world[u]) for u in ("jyj_editor", "jyj_admin", "gaj_admin", "portal_admin")
    )
    assert world["svc_supervisor"].groups.get().name == workflow.SUPERVISOR_GROUP == "政务服务监督员"
