"""Who sees and handles which request: each unit's 信息员/管理员 their own unit's, 政务公开监督员
every unit's (read only), superusers everything — in the workflow and in the admin pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from disclosure import workflow
from tests.factories.disclosure import file_request, supervisor

pytestmark = pytest.mark.django_db

OF, H, SV = workflow.OFFICER, workflow.HEAD, workflow.SUPERVISOR
UNITS = ["jyj", "gaj", "www", "lancun"]
# username → {unit of the request: roles}
MATRIX = {
    "jyj_editor": {"jyj": {OF}},
    "jyj_admin": {"jyj": {OF, H}},
    "gaj_editor": {"gaj": {OF}},
    "gaj_admin": {"gaj": {OF, H}},
    "portal_admin": {"www": {OF, H}},
    "gk_supervisor": dict.fromkeys(UNITS, {SV}),
    "admin": dict.fromkeys(UNITS, {OF, H, SV}),
}
HANDLING = ["request_clarification", "start_consultation", "answer"]


@pytest.fixture
def requests(db):
    return {unit: file_request(unit, token=f"perm-{unit}")[0] for unit in UNITS}


def person(username):
    if username == "gk_supervisor":
        return supervisor()
    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize("username", list(MATRIX))
def test_roles_and_visibility(username, requests):
    user = person(username)
    expected = MATRIX[username]
    for unit, request in requests.items():
        assert workflow.roles_for(user, request) == expected.get(unit, set()), (username, unit)
    visible = set(workflow.visible_requests(user).values_list("organisation__label", flat=True))
    assert visible == set(expected), username


@pytest.mark.parametrize("username", list(MATRIX))
def test_actions_follow_the_roles(username, requests):
    user = person(username)
    for unit, request in requests.items():
        roles = MATRIX[username].get(unit, set())
        expected = []
        if OF in roles:
            expected = HANDLING[:2] + (["extend"] if H in roles else []) + HANDLING[2:]
        assert workflow.available_actions(user, request) == expected, (username, unit)


@pytest.mark.parametrize("username", list(MATRIX))
def test_the_admin_handling_page_matches(username, requests, client):
    client.force_login(person(username))
    for unit, request in requests.items():
        response = client.get(reverse("disclosure_requests:detail", args=(request.pk,)))
        if MATRIX[username].get(unit):
            assert response.status_code == 200, (username, unit)
            assert request.receipt_number in response.content.decode()
        else:
            assert response.status_code in (302, 403, 404), (username, unit, response.status_code)
            assert request.receipt_number not in response.content.decode()


def test_people_outside_every_role_see_nothing(requests):
    User = get_user_model()
    nobody = User.objects.create_user("gk_nobody", password="x")
    assert workflow.roles_for(nobody, requests["jyj"]) == set()
    assert not workflow.visible_requests(nobody).exists()


def test_a_deactivated_supervisor_loses_the_view(requests):
    user = supervisor()
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not workflow.is_supervisor(user)
    assert not workflow.visible_requests(user).exists()
    assert workflow.roles_for(user, requests["jyj"]) == set()


def test_an_officer_of_two_units_handles_both(requests):
    user = get_user_model().objects.get(username="jyj_editor")
    user.groups.add(requests["gaj"].organisation.reviewer_group)
    user = get_user_model().objects.get(pk=user.pk)  # the group cache is per instance
    assert workflow.roles_for(user, requests["jyj"]) == {OF}
    assert workflow.roles_for(user, requests["gaj"]) == {OF, H}
    assert set(workflow.visible_requests(user).values_list("organisation__label", flat=True)) == {
        "jyj",
        "gaj",
    }
