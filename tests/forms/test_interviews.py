"""Online interviews (在线访谈): the page shows time, status, guests, media, transcript and questions."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from forms.models import InterviewGuest, InterviewPage, InterviewQuestion, Letter
from tests.conftest import host
from tests.factories.letters import letter_world, write_letter
from tests.forms.test_campaigns import zmhd

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
_slugs = {"n": 0}


def make_interview(starts_at, duration_minutes=90, media=(), transcript=(), **fields):
    _slugs["n"] += 1
    page = InterviewPage(
        title=fields.pop("title", "行风在线：市教育局局长谈课后服务"),
        slug=f"interview-{_slugs['n']}",
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        intro="<p>市教育局主要负责同志做客行风在线，回应群众关切。</p>",
        media=list(media),
        transcript=[{"type": "turn", "value": {"speaker": s, "text": t}} for s, t in transcript],
        **fields,
    )
    zmhd().add_child(instance=page)
    return page


def html_of(client, page):
    response = client.get(page.get_url_parts()[2], HTTP_HOST=host("www"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_finished_interview_shows_guests_media_transcript_and_answers(client, group):
    recording = Document.objects.create(
        title="访谈录音", file=ContentFile(b"ID3 not really audio", name="talk.mp3")
    )
    page = make_interview(
        datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI),
        media=[
            {
                "type": "media",
                "value": {"file": recording.pk, "kind": "audio", "caption": "访谈录音", "transcript": ""},
            }
        ],
        transcript=[
            ("主持人", "各位网友，欢迎收看今天的行风在线。"),
            ("王局长", "大家好，很高兴和网友交流。"),
        ],
        organisation=group["jyj"],
    )
    InterviewGuest.objects.create(page=page, name="王建华", position="市教育局局长", sort_order=0)
    InterviewQuestion.objects.create(
        page=page,
        asker="热心市民",
        question="课后服务几点结束？我的电话13912345678。",
        answer="课后服务一般在下午5点半结束。",
        sort_order=0,
    )
    InterviewQuestion.objects.create(page=page, asker="家长", question="暑期托管怎么报名？", sort_order=1)
    html = html_of(client, page)
    assert "2026年11月28日 09:30" in html
    assert "往期回顾" in html and "即墨市教育局" in html
    assert "王建华" in html and "市教育局局长" in html
    assert "<audio" in html and recording.url in html and "访谈录音" in html
    assert '<strong class="speaker">主持人：</strong>各位网友，欢迎收看今天的行风在线。' in html
    assert '<strong class="speaker">王局长：</strong>' in html
    assert "网友提问" in html and "课后服务一般在下午5点半结束" in html
    assert "13912345678" not in html and "139****5678" in html
    assert "嘉宾正在准备答复" in html


@pytest.mark.parametrize(
    "offset, duration, label",
    [
        (timedelta(days=2), 60, "访谈预告"),
        (timedelta(minutes=-10), 60, "正在直播"),
        (timedelta(hours=-3), 60, "往期回顾"),
    ],
    ids=["upcoming", "live", "finished"],
)
def test_the_status_label_follows_the_clock(client, group, offset, duration, label):
    page = make_interview(timezone.now() + offset, duration_minutes=duration)
    html = html_of(client, page)
    assert label in html
    others = {"访谈预告", "正在直播", "往期回顾"} - {label}
    assert not any(other in html for other in others)
    if label == "访谈预告":
        assert "文字实录将在访谈过程中同步发布" in html


def test_a_question_links_to_its_published_letter_only(client, group):
    world = letter_world()
    published, _code = write_letter(world.mayor, title="关于课后服务收费的咨询")
    Letter.objects.filter(pk=published.pk).update(state=Letter.State.CLOSED, is_public=True)
    unpublished, _code = write_letter(world.mayor, title="尚未公开的来信")
    page = make_interview(timezone.now() - timedelta(days=1))
    InterviewQuestion.objects.create(
        page=page, asker="网友甲", question="课后服务收费标准？", answer="按规定收费。", letter=published
    )
    InterviewQuestion.objects.create(
        page=page,
        asker="网友乙",
        question="另一个问题？",
        answer="已答复。",
        letter=unpublished,
        sort_order=1,
    )
    html = html_of(client, page)
    box_path = world.mayor.get_url_parts()[2]
    assert f'href="{box_path}letters/{published.number}/"' in html
    assert "关于课后服务收费的咨询" in html
    assert unpublished.number not in html and "尚未公开的来信" not in html
