"""Masking personal data before anything reaches a public page or an export (张**, 138****1234).

`mask_text` finds ID numbers, mobile and landline numbers, e-mail addresses and house-number
level address details in free text; names cannot be found reliably in free text, so the names the
system knows (the letter writer's, for instance) are passed in and masked wherever they occur.
"""

import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})([-－ ]?)(\d{3,4})(\d{4})(?!\d)")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# "…村/社区/小区/路/街/巷 + 12号(楼)(3单元)(502室)": keep the place, hide the house number.
HOUSE_NUMBER = re.compile(
    r"((?:村|社区|小区|花园|家园|公寓|大厦|路|街|巷|道))"
    r"(\d+(?:号楼|[号弄栋幢楼])?(?:[\d一二三四五六七八九十]+(?:单元|[号栋幢楼室户-])?)*)"
)


def mask_name(name):
    """张三 → 张*, 欧阳修文 → 欧阳**; keeps the surname, hides the given name."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    surname_length = 2 if len(name) >= 4 else 1
    return name[:surname_length] + "*" * (len(name) - surname_length)


def mask_text(text, names=()):
    if not text:
        return text
    text = ID_NUMBER.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    text = MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = LANDLINE.sub(lambda m: f"{m.group(1)}{m.group(2)}{'*' * len(m.group(3))}{m.group(4)}", text)
    text = EMAIL.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
    text = HOUSE_NUMBER.sub(lambda m: m.group(1) + "**号", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def mask_identifier(value):
    """An ID number or a unified social credit code on its own (exports): 370282********1226;
    codes mask_text does not recognise keep their first six and last four characters."""
    value = (value or "").strip()
    masked = mask_text(value)
    if masked != value:
        return masked
    if len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_phone(value):
    """A phone number on its own (exports): 139****6789; anything unusual keeps its last four."""
    value = (value or "").strip()
    masked = mask_text(value)
    if masked == value and len(value) > 4:
        masked = "*" * (len(value) - 4) + value[-4:]
    return masked
