"""Letter boxes, letters and the interaction roles for tests, through the workflow functions."""

from dataclasses import dataclass

from django.contrib.auth.models import Group

from forms import workflow
from forms.models import Letter, LetterBoxPage
from home.models import Organisation
from subsite_pages.models import ColumnPage
from tests.factories.site_group import make_user


def add_box(parent, title, slug, **fields):
    box = LetterBoxPage(title=title, slug=slug, **fields)
    parent.add_child(instance=box)
    box.save_revision().publish()
    return box


def ensure_boxes():
    """The portal's 市长信箱 (dispatched centrally) and 教育局's 局长信箱 (its own unit handles)."""
    portal = Organisation.objects.get(label="www")
    jyj = Organisation.objects.get(label="jyj")
    mayor = LetterBoxPage.objects.filter(slug="szxx").first()
    if mayor is None:
        zmhd = ColumnPage.objects.child_of(portal.site.root_page).get(slug="zmhd")
        mayor = add_box(zmhd, "市长信箱", "szxx", box_kind=LetterBoxPage.Kind.MAYOR)
    director = LetterBoxPage.objects.filter(slug="jzxx").first()
    if director is None:
        director = add_box(
            jyj.site.root_page,
            "局长信箱",
            "jzxx",
            box_kind=LetterBoxPage.Kind.DIRECTOR,
            handling_organisation=jyj,
        )
    petition = LetterBoxPage.objects.filter(slug="wsxf").first()
    if petition is None:
        zmhd = ColumnPage.objects.child_of(portal.site.root_page).get(slug="zmhd")
        petition = add_box(zmhd, "网上信访", "wsxf", box_kind=LetterBoxPage.Kind.PETITION)
    return mayor, director, petition


def ensure_role_users():
    dispatchers, supervisors = workflow.ensure_role_groups()
    users = {}
    for username, group in (("dispatcher", dispatchers), ("supervisor", supervisors)):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username).first() or make_user(username, group)
        users[username] = user
    return users


@dataclass
class LetterWorld:
    mayor: LetterBoxPage
    director: LetterBoxPage
    petition: LetterBoxPage
    dispatcher: object
    supervisor: object


def letter_world():
    mayor, director, petition = ensure_boxes()
    users = ensure_role_users()
    return LetterWorld(mayor, director, petition, users["dispatcher"], users["supervisor"])


_counter = {"n": 0}


def write_letter(box, received_at=None, **overrides):
    """Submit a letter as a citizen would; returns (letter, query code)."""
    _counter["n"] += 1
    fields = {
        "letter_type": "consult",
        "title": "关于小区供暖温度不达标的咨询",
        "content": "我家住在通济街道某小区，近一周室内温度只有14度，请问供暖标准是多少？联系电话13853212345。",
        "name": "王建国",
        "phone": "13853212345",
        "email": "wangjg@example.com",
        "consent_publish": True,
        "ip": "10.0.0.1",
    }
    fields.update(overrides)
    return workflow.submit_letter(
        box, token=f"test-token-{_counter['n']}-{Letter.objects.count()}", received_at=received_at, **fields
    )


def group_of(name):
    return Group.objects.get(name=name)
