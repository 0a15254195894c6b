"""Attachments are checked by their content: the name alone proves nothing."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from home.uploads import MB, check_uploads, clean_name, sniff

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def image(format):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format=format)
    return buffer.getvalue()


def office(folder, *extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        main = "document.xml" if folder == "word" else "workbook.xml"
        archive.writestr(f"{folder}/{main}", "<root/>")
        for name in extra:
            archive.writestr(name, b"\x00" * 10)
    return buffer.getvalue()


def ole(*streams):
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in streams)
    return OLE2 + directory


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def errors_of(*files, **limits):
    with pytest.raises(ValidationError) as caught:
        check_uploads(list(files), **limits)
    return [(error.code, error.message) for error in caught.value.error_list]


ACCEPTED = [
    ("信件.pdf", PDF, "pdf", "application/pdf"),
    ("现场照片.jpg", image("JPEG"), "jpeg", "image/jpeg"),
    ("现场照片.JPEG", image("JPEG"), "jpeg", "image/jpeg"),
    ("截图.png", image("PNG"), "png", "image/png"),
    (
        "材料.docx",
        office("word"),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("清单.xlsx", office("xl"), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("旧材料.doc", ole("Root Entry", "WordDocument", "1Table"), "doc", "application/msword"),
    ("旧清单.xls", ole("Root Entry", "Workbook"), "xls", "application/vnd.ms-excel"),
    ("说明.txt", "路灯坏了，请尽快修理。\r\n".encode(), "txt", "text/plain"),
    ("说明（GBK）.txt", "路灯坏了，请尽快修理。".encode("gbk"), "txt", "text/plain"),
]


@pytest.mark.parametrize(("name", "content", "kind", "content_type"), ACCEPTED)
def test_accepted_kinds(name, content, kind, content_type):
    file = upload(name, content, content_type="application/x-msdownload")
    assert sniff(file) == kind
    [checked] = check_uploads([file])
    assert (checked.kind, checked.original_name, checked.size) == (kind, name, len(content))
    # The content type is what we found, not what the browser claimed.
    assert checked.content_type == content_type
    assert checked.file is file
    assert file.tell() == 0 and file.read() == content


def test_several_files_within_the_limits():
    files = [upload("a.pdf", PDF), upload("b.png", image("PNG")), upload("c.txt", "好".encode())]
    assert [c.kind for c in check_uploads(files)] == ["pdf", "png", "txt"]


def test_gif_only_where_allowed():
    assert errors_of(upload("动图.gif", image("GIF")))[0][0] == "extension"
    [checked] = check_uploads([upload("动图.gif", image("GIF"))], allowed=("gif", "png"))
    assert checked.kind == "gif"


def test_executable_renamed_to_pdf():
    assert sniff(upload("x.pdf", EXE)) == "executable"
    assert errors_of(upload("通知.pdf", EXE)) == [
        ("executable", "附件“通知.pdf”是可执行文件，不允许上传可执行文件。")
    ]
    for magic in (b"\x7fELF\x02\x01\x01", b"#!/bin/sh\nrm -rf /\n", b"\xcf\xfa\xed\xfe\x07\x00"):
        assert errors_of(upload("a.txt", magic))[0][0] == "executable"


@pytest.mark.parametrize(
    "name",
    [
        "setup.exe",
        "report.pdf.exe",
        "run.BAT",
        "a.js",
        "a.vbs",
        "a.sh",
        "a.ps1",
        "a.scr",
        "a.jar",
        "a.apk",
        "a.msi",
    ],
)
def test_executable_names(name):
    assert errors_of(upload(name, PDF)) == [
        ("executable", f"附件“{name}”是可执行文件，不允许上传可执行文件。")
    ]


def test_disguised_executable_names():
    # U+202E shows "abc\u202efdp.exe" as "abcexe.pdf"; Windows runs "report.exe. " as report.exe.
    assert errors_of(upload("abc\u202efdp.exe", PDF)) == [
        ("executable", "附件“abcfdp.exe”是可执行文件，不允许上传可执行文件。")
    ]
    assert errors_of(upload("report.exe. ", PDF))[0][0] == "executable"


def test_pdf_named_png_does_not_match():
    assert errors_of(upload("照片.png", PDF)) == [("mismatch", "附件“照片.png”的内容与文件类型不符。")]
    assert errors_of(upload("信件.pdf", image("PNG")))[0][0] == "mismatch"
    assert errors_of(upload("表.xls", ole("WordDocument")))[0][0] == "mismatch"
    assert errors_of(upload("演示.doc", ole("PowerPoint Document")))[0][0] == "mismatch"
    assert errors_of(upload("a.docx", office("xl")))[0][0] == "mismatch"


def test_extension_not_allowed():
    assert errors_of(upload("资料.zip", office("word"))) == [
        ("extension", "附件“资料.zip”的类型不允许上传，只能上传 PDF、JPG、PNG、Word、Excel、TXT 格式的文件。")
    ]
    assert errors_of(upload("无扩展名", PDF))[0][0] == "extension"


def test_empty_file():
    assert errors_of(upload("空.pdf", b"")) == [("empty", "附件“空.pdf”是空文件。")]


def test_too_large():
    assert errors_of(upload("大.pdf", PDF + b"0" * 2048), max_size=1024) == [
        ("too_large", "附件“大.pdf”超过 1 KB。")
    ]
    big = upload("大.txt", b"a" * 10)
    big.size = 10 * MB + 1  # what Django reports for the upload; no need to build 10 MB
    assert errors_of(big) == [("too_large", "附件“大.txt”超过 10 MB。")]


def test_too_many_and_too_much_in_total():
    files = [upload(f"{n}.pdf", PDF) for n in range(4)]
    assert errors_of(*files) == [("too_many", "最多上传 3 个附件。")]
    assert errors_of(*files[:2], max_total=len(PDF) * 2 - 1) == [
        ("total_too_large", f"附件总大小超过 {len(PDF) * 2 - 1} 字节。")
    ]
    assert len(check_uploads(files, max_count=4)) == 4


def test_archive_bomb():
    # The central directory claims 200 MB for a member of a few bytes.
    data = bytearray(office("word"))
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 200 * MB)
    assert sniff(upload("a.docx", bytes(data))) is None
    assert errors_of(upload("材料.docx", bytes(data))) == [
        ("suspicious", "附件“材料.docx”的结构异常（解压或解码后过大），不允许上传。")
    ]


def test_image_bomb():
    # A valid PNG header announcing 20000 × 20000 pixels.
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    ihdr = struct.pack(">I", len(header)) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header))
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    assert errors_of(upload("大图.png", b"\x89PNG\r\n\x1a\n" + ihdr + iend))[0][0] == "suspicious"


def test_broken_images_do_not_match():
    assert errors_of(upload("坏.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10))[0][0] == "mismatch"


def test_macros_are_refused():
    docm = office("word", "word/vbaProject.bin")
    assert errors_of(upload("宏.docx", docm)) == [
        ("macro", "附件“宏.docx”含有宏代码，不允许上传。请另存为不含宏的文档后再上传。")
    ]
    assert errors_of(upload("宏.xlsx", office("xl", "xl/vbaProject.bin")))[0][0] == "macro"
    assert errors_of(upload("宏.doc", ole("WordDocument", "Macros", "VBA", "_VBA_PROJECT")))[0][0] == "macro"


def test_text_with_nul_or_invalid_bytes_is_not_text():
    assert errors_of(upload("a.txt", "文字".encode() + b"\x00\x01"))[0][0] == "mismatch"
    assert errors_of(upload("a.txt", b"\xff\xfe\xff" * 10))[0][0] == "mismatch"  # neither UTF-8 nor GB18030
    # UTF-8 split across the 1 MB read boundary is still text.
    text = ("a" * (MB - 1) + "路灯").encode()
    assert check_uploads([upload("长.txt", text)], max_size=2 * MB)[0].kind == "txt"


def test_every_problem_is_reported_at_once():
    files = [upload("a.exe", EXE), upload("b.pdf", b""), upload("c.png", PDF)]
    assert [code for code, _ in errors_of(*files)] == ["executable", "empty", "mismatch"]


def test_names_are_cleaned():
    assert clean_name("C:\\Users\\张三\\Desktop\\举报材料.pdf") == "举报材料.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("a\x00b\x1fc\n.pdf") == "abc.pdf"
    assert clean_name("") == "附件"
    long_name = clean_name("很" * 300 + ".docx")
    assert len(long_name) == 100 and long_name.endswith(".docx")
    [checked] = check_uploads([upload("很" * 300 + ".pdf", PDF)])
    assert len(checked.original_name) == 100
