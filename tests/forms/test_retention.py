"""Personal data of long-closed letters is erased; the case and its figures stay."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from forms import workflow
from forms.models import Letter, LetterAttachment
from forms.tasks import anonymise_old_letters
from home import uploads
from home.models import Organisation
from tests.factories.letters import letter_world, write_letter

pytestmark = pytest.mark.django_db

CONTENT = "我是王建国，住在蓝村镇后屯村12号，电话13853212345，身份证370282199001011234。"


def _closed_letter(world, **extra):
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    letter, _code = write_letter(
        world.mayor, content=CONTENT, attachments=uploads.check_uploads([pdf]), **extra
    )
    jyj = Organisation.objects.get(label="jyj")
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    workflow.perform(letter, "accept", world.dispatcher)
    workflow.perform(letter, "assign", world.dispatcher, note="请办理", unit=jyj)
    workflow.perform(
        letter, "submit_reply", users.get(username="jyj_editor"), reply="王建国您好，已处理，特此答复。"
    )
    workflow.perform(letter, "approve_reply", users.get(username="jyj_admin"))
    workflow.rate(Letter.objects.get(pk=letter.pk), 5, "谢谢，我的电话13853212345可以联系。")
    return Letter.objects.get(pk=letter.pk)


def test_letters_closed_beyond_the_retention_period_lose_personal_data(settings):
    world = letter_world()
    old = _closed_letter(world)
    recent = _closed_letter(world)
    Letter.objects.filter(pk=old.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.LETTER_RETENTION_DAYS + 1)
    )
    stored = old.attachments.get().file.name

    assert anonymise_old_letters.delay().get() == 1

    old.refresh_from_db()
    assert old.anonymised and old.name == "（已清除）"
    assert (old.phone, old.email, old.address, old.submitter_ip) == ("", "", "", None)
    for text in (old.content, old.reply, old.comments.get().content):
        assert "13853212345" not in text and "王建国" not in text
    assert "370282199001011234" not in old.content and "后屯村12号" not in old.content
    assert not LetterAttachment.objects.filter(letter=old).exists()
    assert not LetterAttachment._meta.get_field("file").storage.exists(stored)
    # The case itself and its figures stay.
    assert old.state == Letter.State.CLOSED and old.rating == 5 and old.events.count() == 6
    recent.refresh_from_db()
    assert not recent.anonymised and recent.phone == "13853212345" and recent.attachments.count() == 1
    # Running again changes nothing.
    assert anonymise_old_letters.delay().get() == 0
