"""Applicants' materials and result documents stay private: stored outside MEDIA_ROOT, without a
public URL, and not reachable by guessing one on any site of the group.

The public hall's and the admin's download views (which check who is asking) are tested with
those views.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.views.static import serve
from wagtail.models import Site

from services import workflow
from services.models import Application, ApplicationMaterial
from tests.factories.services import PDF, pdf
from tests.services.test_workflow_transitions import bring_to, fresh, make_world

S = Application.State


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def stored(world):
    """An application's stored files: its materials and its result document."""
    application = bring_to(world, S.IN_REVIEW)
    workflow.perform(application, "approve", world["jyj_admin"], result_file=pdf("入学通知书.pdf"))
    application = fresh(application)
    files = [material.file for material in application.materials.all()]
    return application, [*files, application.result_document]


def inside(path, root):
    return Path(root).resolve() in Path(path).resolve().parents


def test_the_file_fields_use_the_private_storage():
    for field in (
        ApplicationMaterial._meta.get_field("file"),
        Application._meta.get_field("result_document"),
    ):
        assert Path(field.storage.location).resolve() == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() != Path(settings.MEDIA_ROOT).resolve()
    assert not inside(settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT)


def test_uploaded_files_are_stored_under_the_private_root_only(stored):
    application, files = stored
    assert len(files) == 3
    assert application.result_document.name.startswith("services/results/")
    for file in files:
        assert file.name.startswith(("services/materials/", "services/results/"))
        assert inside(file.path, settings.PRIVATE_MEDIA_ROOT)
        assert not inside(file.path, settings.MEDIA_ROOT)
        assert not (Path(settings.MEDIA_ROOT) / file.name).exists()
        with file.open("rb") as handle:
            assert handle.read() == PDF
    # Stored under a random name: neither the applicant's file name nor the receipt number.
    for file in files:
        name = Path(file.name).name
        assert "材料" not in name and "通知书" not in name and application.receipt_number not in name


def test_the_storage_gives_no_usable_public_url(stored, client):
    _application, files = stored
    hosts = [site.hostname for site in Site.objects.all()]
    for file in files:
        try:
            url = file.url
        except ValueError:
            continue  # no URL at all: the best outcome
        # A URL may be built from MEDIA_URL, but nothing is there to serve.
        for host in hosts:
            assert client.get(url, HTTP_HOST=host).status_code == 404, (url, host)


def plausible_urls(name):
    base = Path(name).name
    return [
        f"/media/{name}",
        f"/media/{base}",
        "/media/services/materials/",
        f"/private/{name}",
        f"/private/{base}",
        f"/{name}",
        f"/documents/{base}",
    ]


def test_anonymous_guesses_of_the_files_address_are_not_found_on_any_site(stored, client):
    _application, files = stored
    hosts = [site.hostname for site in Site.objects.all()]
    assert len(hosts) >= 5
    for file in files:
        for url in plausible_urls(file.name):
            for host in hosts:
                response = client.get(url, HTTP_HOST=host)
                assert response.status_code == 404, (url, host)
                assert PDF not in response.content


def test_even_a_server_publishing_media_root_has_nothing_to_serve(stored):
    """What `static()` does under DEBUG, or a web server's /media/ alias, finds no such file."""
    _application, files = stored
    request = RequestFactory().get("/media/")
    for file in files:
        with pytest.raises(Http404):
            serve(request, file.name, document_root=settings.MEDIA_ROOT)
