"""Personal data is masked before it reaches a public page."""

from home.masking import mask_name, mask_text


def test_names_keep_only_the_surname():
    assert mask_name("张三") == "张*"
    assert mask_name("王小明") == "王**"
    assert mask_name("欧阳修文") == "欧阳**"
    assert mask_name("") == ""


def test_id_numbers_keep_region_and_last_four():
    assert mask_text("身份证号370282199001011234。") == "身份证号370282********1234。"
    assert mask_text("37028219900101123X") == "370282********123X"


def test_mobile_and_landline_numbers():
    assert mask_text("电话13812341234，") == "电话138****1234，"
    assert mask_text("座机0532-88512345") == "座机0532-****2345"
    # Longer digit runs are not phone numbers.
    assert mask_text("订单号2026112813812341234") == "订单号2026112813812341234"


def test_email_and_house_numbers():
    assert mask_text("邮箱zhangsan@example.com") == "邮箱z***@example.com"
    assert mask_text("住在蓝村镇古城村123号3单元") == "住在蓝村镇古城村**号"
    assert mask_text("鹤山路268号") == "鹤山路**号"


def test_known_names_are_masked_wherever_they_occur():
    text = "我叫李建国，李建国的父亲叫李明。"
    assert mask_text(text, names=["李建国", "李明"]) == "我叫李**，李**的父亲叫李*。"


def test_text_without_personal_data_is_unchanged():
    text = "2026年11月28日，即墨市召开冬季安全生产工作会议。"
    assert mask_text(text) == text
