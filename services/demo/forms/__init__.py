"""Files the service demo attaches, made at build time instead of committed as binaries.

- `blank_form`: a blank application form (or a filled-in example) as a real .xlsx workbook.
- `pdf`: a one-page PDF with Chinese text, for result samples, uploaded materials and result
  documents. It uses the standard Adobe CJK font STSong-Light, which PDF readers supply
  themselves, so nothing has to be embedded and the files stay a few KB.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

INDIVIDUAL_FIELDS = [
    ("申请人姓名", "王××"),
    ("性别", "男"),
    ("公民身份号码", "370282××××××××××××"),
    ("联系电话", "139××××5678"),
    ("户籍地址", "即墨市××镇××村"),
    ("现居住地址", "即墨市××路××号"),
]
LEGAL_PERSON_FIELDS = [
    ("单位名称", "即墨市××有限公司"),
    ("统一社会信用代码", "91370282××××××××××"),
    ("法定代表人", "张××"),
    ("联系人", "李××"),
    ("联系电话", "0532-8851××××"),
    ("单位地址", "即墨市××路××号"),
]
PROMISE = "本人（单位）承诺：以上填写内容及提交的材料真实、合法、有效，如有虚假，愿承担相应的法律责任。"

_thin = Side(style="thin", color="000000")
BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def form_fields(item_title, legal_person, extra_fields=()):
    base = LEGAL_PERSON_FIELDS if legal_person else INDIVIDUAL_FIELDS
    return [*base, ("申请事项", item_title), *extra_fields, ("申请理由或说明", "")]


def blank_form(title, unit_name, fields, example=False):
    """The form as .xlsx bytes: one row per field; `example` fills in the example values in red."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "填写示例" if example else "申请表"
    sheet.column_dimensions["A"].width = 22
    for column in "BCD":
        sheet.column_dimensions[column].width = 20
    heading = f"{title}（填写示例）" if example else title
    sheet.append([heading])
    sheet.merge_cells("A1:D1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 36
    sheet.append(["编号：", "", "填表日期：", "    年    月    日"])
    red = Font(color="C00000")
    for label, value in fields:
        sheet.append([label, value if example else ""])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 28
        for column in range(1, 5):
            cell = sheet.cell(row=row, column=column)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        if example:
            sheet.cell(row=row, column=2).font = red
    sheet.append([PROMISE])
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[row].height = 40
    sheet.append(["申请人（签字或盖章）：", "", "    年    月    日"])
    sheet.append([f"本表由{unit_name}制发，可在即墨市政务网“网上办事”下载，复印有效。"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(size=9, color="555555")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 64


def _hex(text):
    # UniGB-UCS2-H takes UCS-2 big-endian; characters beyond the BMP are not used in the demo.
    return "<" + "".join(f"{ord(c):04X}" for c in text if ord(c) <= 0xFFFF) + ">"


def _width(text, size):
    return sum(size * (0.5 if ord(c) < 128 else 1.0) for c in text)


def _wrap(text, size, width):
    lines, line = [], ""
    for char in text:
        if _width(line + char, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def pdf(title, lines=(), stamp=""):
    """A valid one-page PDF (bytes) with a centred title, wrapped lines and an optional red stamp."""
    ops = ["0.6 w 40 40 515 762 re S"]  # a frame, like a printed certificate
    size = 20
    ops.append(f"BT /F1 {size} Tf {(PAGE_WIDTH - _width(title, size)) / 2:.1f} 740 Td {_hex(title)} Tj ET")
    y = 690
    for text in lines:
        for part in _wrap(text, 12, PAGE_WIDTH - 2 * MARGIN) or [""]:
            ops.append(f"BT /F1 12 Tf {MARGIN} {y} Td {_hex(part)} Tj ET")
            y -= 22
    if stamp:
        # Red, rotated 30°, across the middle of the page.
        ops.append(f"q 0.85 0.1 0.1 rg BT /F1 72 Tf 0.866 0.5 -0.5 0.866 170 300 Tm {_hex(stamp)} Tj ET Q")
    content = "\n".join(ops).encode("ascii")
    info_title = "<FEFF" + "".join(f"{b:02X}" for b in title.encode("utf-16-be")) + ">"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        f"<< /Title {info_title} /Producer (Jimo portal demo) >>".encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
