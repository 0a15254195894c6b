"""Checking citizens' attachments by what they contain, not by what they are called.

Every public form that takes files (letters, campaigns, service applications) passes them
through `check_uploads`: count and size limits, an allowed list of kinds, and the content's
magic bytes must match the extension, so an executable renamed `.pdf` is refused. Staff open
these files on office computers, so executables, scripts, Office macros and archive or image
"bombs" are refused too. All problems are reported at once, each naming its file.
"""

import codecs
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image

MB = 1024 * 1024

# kind → (extensions, label shown to the user)
ALLOWED_KINDS = {
    "pdf": ((".pdf",), "PDF"),
    "jpeg": ((".jpg", ".jpeg"), "JPG"),
    "png": ((".png",), "PNG"),
    "gif": ((".gif",), "GIF"),
    "docx": ((".docx",), "Word"),
    "xlsx": ((".xlsx",), "Excel"),
    "doc": ((".doc",), "Word"),
    "xls": ((".xls",), "Excel"),
    "txt": ((".txt",), "TXT"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain",
}
DEFAULT_ALLOWED = ("pdf", "jpeg", "png", "docx", "xlsx", "doc", "xls", "txt")
EXECUTABLE = "executable"

EXECUTABLE_EXTENSIONS = {
    ".exe", ".bat", ".cmd", ".com", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".sh", ".ps1",
    ".scr", ".pif", ".jar", ".apk", ".msi", ".dll", ".lnk", ".hta", ".cpl",
}  # fmt: skip
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux
    b"#!",  # scripts
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal (and Java class files)
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
IMAGE_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF"}  # kind → Pillow's format name
HEAD_SIZE = 16  # enough for every magic number above
# What the archive says it unpacks to; a .docx of a few MB never comes near.
MAX_UNPACKED = 100 * MB
MAX_ZIP_MEMBERS = 10_000
MAX_NAME_LENGTH = 100

# Problems `_inspect` can find besides the kind.
SUSPICIOUS = "suspicious"
MACRO = "macro"


@dataclass
class CheckedUpload:
    file: object
    original_name: str
    kind: str
    size: int
    content_type: str


def clean_name(name):
    """The file's own name, safe to show and store: no folders, no control or direction marks."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Cf includes U+202E (right-to-left override), which makes "abc\u202efdp.exe" look like a PDF.
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    # Windows drops trailing dots and spaces: "report.exe. " runs as report.exe.
    name = name.strip().rstrip(". ")
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: MAX_NAME_LENGTH - len(extension)] + extension
    return name or "附件"


def _extension(name):
    return os.path.splitext(name)[1].lower()


def _scan(file, needles):
    """The first of `needles` found anywhere in the file, read in chunks."""
    file.seek(0)
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    while chunk := file.read(MB):
        block = tail + chunk
        for needle in needles:
            if needle in block:
                return needle
        tail = block[-overlap:]
    return None


def _inspect_zip(file):
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None, None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        return None, SUSPICIOUS
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        return None, None
    for kind, folder in (("docx", "word/"), ("xlsx", "xl/")):
        if any(name.startswith(folder) for name in names):
            # A macro-enabled .docm/.xlsm renamed to .docx/.xlsx.
            problem = MACRO if f"{folder}vbaProject.bin" in names else None
            return kind, problem
    return None, None


def _inspect_ole2(file):
    # Legacy Office files are OLE2 containers; their directory names the streams in UTF-16.
    streams = ["WordDocument", "Workbook", "Book", "_VBA_PROJECT"]
    needles = [name.encode("utf-16-le") for name in streams]
    kind = None
    if _scan(file, needles[:1]):
        kind = "doc"
    elif _scan(file, needles[1:3]):
        kind = "xls"
    problem = MACRO if kind and _scan(file, needles[3:]) else None
    return kind, problem


def _inspect_image(file, kind):
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
    except Image.DecompressionBombError:
        return kind, SUSPICIOUS
    except Exception:  # Pillow raises many kinds for a broken header
        return None, None
    return (kind, None) if image_format == IMAGE_FORMATS[kind] else (None, None)


def _is_text(file):
    """UTF-8 or GB18030 (which covers GBK, the usual "ANSI" Chinese text) throughout, no NUL."""
    for encoding in ("utf-8", "gb18030"):
        file.seek(0)
        # Incremental: a character cut in two between chunks is not an error.
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := file.read(MB):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _inspect(file):
    """(kind, problem) of the file's content; kind None if it is none of ours."""
    try:
        file.seek(0)
        head = file.read(HEAD_SIZE)
        if not head:
            return None, None
        if head.startswith(EXECUTABLE_MAGIC):
            return EXECUTABLE, None
        if head.startswith(b"%PDF-"):
            return "pdf", None
        if head.startswith(b"\xff\xd8\xff"):
            return _inspect_image(file, "jpeg")
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return _inspect_image(file, "png")
        if head.startswith((b"GIF87a", b"GIF89a")):
            return _inspect_image(file, "gif")
        if head.startswith(ZIP_MAGIC):
            return _inspect_zip(file)
        if head.startswith(OLE2_MAGIC):
            return _inspect_ole2(file)
        return ("txt", None) if _is_text(file) else (None, None)
    finally:
        file.seek(0)


def sniff(file):
    """The kind of the file's content (a key of ALLOWED_KINDS), "executable", or None.

    None also for content that is of a known kind but unsafe (an archive bomb, a macro).
    """
    kind, problem = _inspect(file)
    return kind if problem is None else None


def _format_size(size):
    if size >= MB:
        return f"{size / MB:.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size} 字节"


def check_uploads(
    files,
    max_count=3,
    max_size=10 * MB,
    max_total=20 * MB,
    allowed=DEFAULT_ALLOWED,
):
    """Check uploaded files; return them as CheckedUpload, or raise one ValidationError listing
    every problem found."""
    files = [f for f in files if f is not None]
    errors = []
    checked = []
    if len(files) > max_count:
        errors.append(ValidationError(f"最多上传 {max_count} 个附件。", code="too_many"))

    extension_kinds = {ext: kind for kind in allowed for ext in ALLOWED_KINDS[kind][0]}
    labels = "、".join(dict.fromkeys(ALLOWED_KINDS[kind][1] for kind in allowed))
    total = 0
    for file in files:
        name = clean_name(file.name)
        size = file.size or 0
        total += size
        extension = _extension(name)

        def refuse(message, code, name=name):
            errors.append(ValidationError(f"附件“{name}”{message}", code=code))

        if extension in EXECUTABLE_EXTENSIONS:
            refuse("是可执行文件，不允许上传可执行文件。", "executable")
        elif extension not in extension_kinds:
            refuse(f"的类型不允许上传，只能上传 {labels} 格式的文件。", "extension")
        elif size == 0:
            refuse("是空文件。", "empty")
        elif size > max_size:
            refuse(f"超过 {_format_size(max_size)}。", "too_large")
        else:
            kind, problem = _inspect(file)
            if kind == EXECUTABLE:
                refuse("是可执行文件，不允许上传可执行文件。", "executable")
            elif problem == SUSPICIOUS:
                refuse("的结构异常（解压或解码后过大），不允许上传。", "suspicious")
            elif kind != extension_kinds[extension]:
                refuse("的内容与文件类型不符。", "mismatch")
            elif problem == MACRO:
                refuse("含有宏代码，不允许上传。请另存为不含宏的文档后再上传。", "macro")
            else:
                checked.append(CheckedUpload(file, name, kind, size, CONTENT_TYPES[kind]))

    if total > max_total:
        errors.append(ValidationError(f"附件总大小超过 {_format_size(max_total)}。", code="total_too_large"))
    if errors:
        raise ValidationError(errors)
    return checked
