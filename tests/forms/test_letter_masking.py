"""What a letter shows on public pages: the writer's personal data masked everywhere."""

import pytest

from forms import workflow
from forms.models import Letter, LetterComment
from tests.forms.test_workflow_transitions import make_world

pytestmark = pytest.mark.django_db


def letter(**fields):
    """An unsaved letter: the public_* properties need no database."""
    values = {"title": "", "content": "", "reply": "", "name": "张三"}
    values.update(fields)
    return Letter(**values)


@pytest.mark.parametrize(
    ("name", "public"),
    [
        ("张三", "张*"),
        ("王建国", "王**"),
        ("欧阳修文", "欧阳**"),
        ("司马相如", "司马**"),
        ("李", "李"),
        ("", ""),
    ],
)
def test_the_public_name_keeps_only_the_surname(name, public):
    assert letter(name=name).public_name == public


def test_the_writers_name_is_masked_in_title_content_and_reply():
    item = letter(
        name="张三",
        title="张三反映小区停车难",
        content="我是张三，住在幸福小区，张三的邻居也有同样问题。",
        reply="张三同志：您好！您反映的问题已转交街道办理。",
    )
    assert item.public_title == "张*反映小区停车难"
    assert item.public_content == "我是张*，住在幸福小区，张*的邻居也有同样问题。"
    assert item.public_reply == "张*同志：您好！您反映的问题已转交街道办理。"


def test_a_four_character_name_keeps_its_two_character_surname():
    item = letter(name="欧阳修文", content="来信人欧阳修文，联系人欧阳修文。")
    assert item.public_content == "来信人欧阳**，联系人欧阳**。"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("手机13853212345，", "手机138****2345，"),
        ("请回电13853212345或15966661234", "请回电138****2345或159****1234"),
        ("座机0532-88881234", "座机0532-****1234"),
        ("座机053288881234", "座机0532****1234"),
        ("身份证370282199001011234。", "身份证370282********1234。"),
        ("身份证号37028219900101123X", "身份证号370282********123X"),
        ("邮箱zhangsan@163.com", "邮箱z***@163.com"),
        ("住在鹤山路268号", "住在鹤山路**号"),
        ("蓝村镇古城村123号3单元", "蓝村镇古城村**号"),
        ("2026年11月28日，本市气温下降。", "2026年11月28日，本市气温下降。"),
    ],
)
def test_numbers_addresses_and_emails_are_masked_in_every_public_field(text, masked):
    item = letter(name="赵六", title=text, content=text, reply=text)
    assert (item.public_title, item.public_content, item.public_reply) == (masked, masked, masked)


def test_everything_at_once_and_the_private_fields_stay_unchanged():
    content = (
        "我叫王建国，身份证370282199001011234，电话13853212345，座机0532-88881234，"
        "邮箱wangjg@example.com，住在通济街道长江路100号。"
    )
    item = letter(name="王建国", content=content)
    assert item.public_content == (
        "我叫王**，身份证370282********1234，电话138****2345，座机0532-****1234，"
        "邮箱w***@example.com，住在通济街道长江路**号。"
    )
    assert item.content == content  # the stored text keeps everything for the handler


def test_a_building_unit_and_room_are_masked_together():
    item = letter(content="住在幸福小区12号楼3单元502室")
    assert item.public_content == "住在幸福小区**号"


def test_empty_fields_stay_empty():
    item = letter(name="张三")
    assert (item.public_title, item.public_content, item.public_reply) == ("", "", "")


def test_a_comment_masks_the_writers_name_and_numbers():
    world = make_world()
    stored, _code = workflow.submit_letter(
        world.mayor,
        token=workflow.new_submission_token(),
        letter_type="consult",
        title="学区划分咨询",
        content="请问通济小学的学区范围如何划分？",
        name="刘德华",
        phone="13700001111",
    )
    comment = LetterComment(letter=stored, content="我是刘德华，问题已解决，谢谢！有事可打13700001111。")
    assert comment.public_content == "我是刘**，问题已解决，谢谢！有事可打137****1111。"
    other = LetterComment(letter=stored, content="刘老师的答复很详细。")
    assert other.public_content == "刘老师的答复很详细。"  # only known names are masked
