"""Who holds which role for a letter, who sees it, and which buttons they get: one matrix.

Letters: the 市长信箱 (screened by the central dispatchers, handled by 教育局 once assigned) at
every stage, and 教育局's own 局长信箱 (screened and handled by 教育局 itself).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from forms import workflow
from forms.models import Letter
from tests.forms.test_workflow_transitions import STAFF_USERS, bring_to, make_world

S = Letter.State
D, H, R, SV = workflow.DISPATCHER, workflow.HANDLER, workflow.REVIEWER, workflow.SUPERVISOR
ALL = {D, H, R, SV}

# (box, state) of each letter in the matrix.
LETTERS = {
    "mayor-submitted": ("mayor", S.SUBMITTED),
    "mayor-accepted": ("mayor", S.ACCEPTED),
    "mayor-assigned": ("mayor", S.ASSIGNED),
    "mayor-returned": ("mayor", S.RETURNED),
    "mayor-review": ("mayor", S.REPLY_REVIEW),
    "mayor-closed": ("mayor", S.CLOSED),
    "mayor-rejected": ("mayor", S.REJECTED),
    "director-submitted": ("director", S.SUBMITTED),
    "director-assigned": ("director", S.ASSIGNED),
    "director-closed": ("director", S.CLOSED),
}

# Roles per user and letter; letters not listed: no role.
ROLES = {
    "dispatcher": dict.fromkeys(LETTERS, {D}),
    "supervisor": dict.fromkeys(LETTERS, {SV}),
    "admin": dict.fromkeys(LETTERS, ALL),
    "jyj_editor": {
        "mayor-assigned": {H},
        "mayor-review": {H},
        "mayor-closed": {H},
        "director-assigned": {H},
        "director-closed": {H},
    },
    "jyj_admin": {
        "mayor-assigned": {H, R},
        "mayor-review": {H, R},
        "mayor-closed": {H, R},
        "director-submitted": {D},
        "director-assigned": {D, H, R},
        "director-closed": {D, H, R},
    },
    "gaj_editor": {},
    "gaj_admin": {},
    "portal_admin": {},
}

# Buttons per user and letter, in the table's order; letters not listed: none.
OPEN_SUPERVISION = ["chase", "supervise"]
ACTIONS = {
    "dispatcher": {
        "mayor-submitted": ["accept", "reject", "merge"],
        "mayor-accepted": ["merge", "assign"],
        "mayor-returned": ["assign"],
        "mayor-closed": ["unpublish"],
        "director-submitted": ["accept", "reject", "merge"],
        "director-closed": ["unpublish"],
    },
    "supervisor": {
        key: OPEN_SUPERVISION for key, (_box, state) in LETTERS.items() if state in Letter.OPEN_STATES
    },
    "admin": {
        "mayor-submitted": ["accept", "reject", "merge", *OPEN_SUPERVISION],
        "mayor-accepted": ["merge", "assign", *OPEN_SUPERVISION],
        "mayor-assigned": ["forward", "return", "request_extension", "submit_reply", *OPEN_SUPERVISION],
        "mayor-returned": ["assign", *OPEN_SUPERVISION],
        "mayor-review": ["approve_reply", "reject_reply", *OPEN_SUPERVISION],
        "mayor-closed": ["unpublish"],
        "director-submitted": ["accept", "reject", "merge", *OPEN_SUPERVISION],
        "director-assigned": ["forward", "return", "request_extension", "submit_reply", *OPEN_SUPERVISION],
        "director-closed": ["unpublish"],
    },
    "jyj_editor": {
        "mayor-assigned": ["forward", "return", "request_extension", "submit_reply"],
        "director-assigned": ["forward", "return", "request_extension", "submit_reply"],
    },
    "jyj_admin": {
        "mayor-assigned": ["forward", "return", "request_extension", "submit_reply"],
        "mayor-review": ["approve_reply", "reject_reply"],
        "director-submitted": ["accept", "reject", "merge"],
        "director-assigned": ["forward", "return", "request_extension", "submit_reply"],
        "director-closed": ["unpublish"],
    },
}

# Letters each user sees in the admin list.
VISIBLE = {
    "dispatcher": set(LETTERS),
    "supervisor": set(LETTERS),
    "admin": set(LETTERS),
    "jyj_editor": {"mayor-assigned", "mayor-review", "mayor-closed", "director-assigned", "director-closed"},
    "jyj_admin": {
        "mayor-assigned",
        "mayor-review",
        "mayor-closed",
        "director-submitted",
        "director-assigned",
        "director-closed",
    },
    "gaj_editor": set(),
    "gaj_admin": set(),
    "portal_admin": set(),
}


@pytest.fixture
def matrix(db):
    world = make_world()
    letters = {}
    for key, (box, state) in LETTERS.items():
        letters[key] = bring_to(world, state, box=getattr(world, box))
    return world, letters


def test_the_matrix_names_every_staff_user():
    assert set(ROLES) == set(VISIBLE) == set(STAFF_USERS)
    assert set(ACTIONS) <= set(STAFF_USERS)


@pytest.mark.parametrize("username", STAFF_USERS)
def test_roles_for(matrix, username):
    world, letters = matrix
    user = world[username]
    actual = {key: workflow.roles_for(user, letter) for key, letter in letters.items()}
    expected = {key: ROLES[username].get(key, set()) for key in letters}
    assert actual == expected


@pytest.mark.parametrize("username", STAFF_USERS)
def test_visible_letters(matrix, username):
    world, letters = matrix
    user = world[username]
    by_pk = {letter.pk: key for key, letter in letters.items()}
    visible = {by_pk[pk] for pk in workflow.visible_letters(user).values_list("pk", flat=True) if pk in by_pk}
    assert visible == VISIBLE[username]
    for key, letter in letters.items():
        assert workflow.can_view(user, letter) == (key in VISIBLE[username])


@pytest.mark.parametrize("username", STAFF_USERS)
def test_available_actions(matrix, username):
    world, letters = matrix
    user = world[username]
    actual = {key: workflow.available_actions(user, letter) for key, letter in letters.items()}
    expected = {key: ACTIONS.get(username, {}).get(key, []) for key in letters}
    assert actual == expected


def test_every_offered_action_is_accepted_by_perform(matrix):
    """The buttons and perform() agree: what is offered is not refused for lack of a role."""
    world, letters = matrix
    for username in STAFF_USERS:
        for key, letter in letters.items():
            for action in workflow.available_actions(world[username], letter):
                roles = workflow.roles_for(world[username], letter) & workflow.TRANSITIONS[action].roles
                assert roles, (username, key, action)


def test_a_pending_extension_offers_the_decision_to_supervisors_only(matrix):
    world, letters = matrix
    letter = letters["mayor-assigned"]
    workflow.perform(letter, "request_extension", world["jyj_editor"], note="需要现场核查。")
    letter.refresh_from_db()
    assert workflow.available_actions(world["supervisor"], letter) == [
        "approve_extension",
        "refuse_extension",
        "chase",
        "supervise",
    ]
    assert workflow.available_actions(world["jyj_editor"], letter) == ["forward", "return", "submit_reply"]
    assert workflow.available_actions(world["dispatcher"], letter) == []


def test_a_publishable_letter_offers_publish_to_dispatchers(matrix):
    world, letters = matrix
    letter = letters["mayor-closed"]
    workflow.perform(letter, "unpublish", world["dispatcher"], note="涉及第三方隐私。")
    letter.refresh_from_db()
    assert workflow.available_actions(world["dispatcher"], letter) == ["publish"]
    assert workflow.available_actions(world["jyj_admin"], letter) == []


def test_inactive_and_anonymous_users_hold_no_role(matrix):
    world, letters = matrix
    letter = letters["mayor-assigned"]
    assert workflow.roles_for(AnonymousUser(), letter) == set()
    editor = world["jyj_editor"]
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert workflow.roles_for(editor, letter) == set()
    assert workflow.available_actions(editor, letter) == []
    dispatcher = world["dispatcher"]
    dispatcher.is_active = False
    dispatcher.save(update_fields=["is_active"])
    assert not workflow.is_dispatcher(dispatcher)
    assert workflow.roles_for(dispatcher, letter) == set()
