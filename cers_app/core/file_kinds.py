"""What kind of document a file is, read from its content, and whether its name agrees.

Accepted: PDF, Word (.doc, .docx), Excel (.xls, .xlsx), JPEG and PNG, the CERS document
formats plus PNG. The `filetype` library reads the magic numbers; the Office formats are then
told apart from their containers' insides, because a magic number alone cannot: .docx and
.xlsx are both zip archives, .doc and .xls both OLE2 compound files. Programs are refused
whatever their name, and so is any file whose name says one kind while its content is another.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype

from cers_app.core import compound_file, storage
from cers_app.core.storage import UploadRefused

HEAD_BYTES = 8192
ACCEPTED_TEXT = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), JPEG or PNG"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    document_format: int | None  # CERS DocumentFormat (PNG has none)


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind("pdf", "PDF document", "application/pdf", (".pdf",), 1),
        Kind("doc", "Word 97-2003 document", "application/msword", (".doc",), 2),
        Kind("xls", "Excel 97-2003 workbook", "application/vnd.ms-excel", (".xls",), 3),
        Kind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"), 4),
        Kind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            5,
        ),
        Kind(
            "xlsx",
            "Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            6,
        ),
        Kind("png", "PNG image", "image/png", (".png",), None),
    )
}
EXTENSIONS = tuple(ext for kind in KINDS.values() for ext in kind.extensions)
# Magic numbers of programs, refused whatever the file is called.
_PROGRAMS = {
    "exe": "a Windows program",
    "elf": "a Linux program",
    "wasm": "a WebAssembly program",
    "crx": "a browser extension",
    "deb": "a software package",
    "rpm": "a software package",
    "swf": "a Flash program",
}
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def kind_label(code: str) -> str:
    """How a kind is named on screen ("PDF document")."""
    return KINDS[code].label if code in KINDS else code.upper()


def _a(label: str) -> str:
    return ("an " if label[0].lower() in "aeiou" else "a ") + label


def media_type(code: str) -> str:
    """The media type a stored file of this kind is sent with."""
    return KINDS[code].media_type if code in KINDS else "application/octet-stream"


def _refuse(code: str, message: str) -> UploadRefused:
    return UploadRefused(code, message)


def _program(head: bytes, guessed: str | None) -> str | None:
    if head[:2] == b"MZ":
        return "a Windows program (it starts with an MZ header)"
    if head[:4] == b"\x7fELF":
        return "a Linux program (it starts with an ELF header)"
    if head[:4] in _MACH_O:
        return "a macOS program"
    if head[:2] == b"#!":
        return "a script"
    return _PROGRAMS.get(guessed or "")


def _office_zip(path: Path) -> str:
    """docx or xlsx from the archive's list of parts; refuses any other zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(
            "damaged", "The file is a damaged zip or Office file. Save it again and upload it."
        ) from exc
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise _refuse(
                "macros",
                "The file contains macros, which are not accepted. Save it as a plain .docx or "
                ".xlsx (or as PDF) and upload it again.",
            )
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            raise _refuse(
                "not_document",
                "PowerPoint presentations are not accepted. Save it as PDF and upload it again.",
            )
    raise _refuse(
        "archive",
        "The file is a zip archive (or an Office file of a kind we do not accept), not a Word "
        f"or Excel document. Upload each document inside it as {ACCEPTED_TEXT}.",
    )


def _office_compound(path: Path) -> str:
    """doc or xls from the compound file's root streams; refuses the rest."""
    try:
        names = compound_file.root_names(path)
    except (compound_file.CompoundFileError, OSError) as exc:
        raise _refuse(
            "damaged", "The file looks like an old Office file but is damaged. Save it again."
        ) from exc
    if "EncryptedPackage" in names:
        raise _refuse(
            "encrypted",
            "The file is password-protected. Save it without a password and upload it again.",
        )
    if "WordDocument" in names:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    raise _refuse(
        "not_document",
        f"The file is not a document we accept. Save it as {ACCEPTED_TEXT} and upload it again.",
    )


def sniff(path: Path) -> str:
    """The kind code of a file from its content; UploadRefused saying why if it has none."""
    head = storage.head(path, HEAD_BYTES)
    if not head:
        raise _refuse("empty", "The file is empty. Choose the file again and upload it.")
    guessed = filetype.guess_extension(head)
    program = _program(head, guessed)
    if program:
        raise _refuse("executable", f"The file is {program}, not a document, so it was refused.")
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(path)
    if head.startswith(compound_file.MAGIC):
        return _office_compound(path)
    found = {"pdf": "pdf", "jpg": "jpeg", "png": "png"}.get(guessed or "")
    if found is None:
        raise _refuse(
            "not_document",
            f"The file is not a document we accept. Save it as {ACCEPTED_TEXT} and upload it "
            "again.",
        )
    return found


def check_document(path: Path, original_name: str) -> Kind:
    """The file's kind, once its content is one we accept and its name's extension agrees."""
    kind = KINDS[sniff(path)]
    extension = Path(original_name).suffix.lower()
    if extension not in kind.extensions:
        said = f"ends in {extension}" if extension else "has no extension"
        raise _refuse(
            "wrong_extension",
            f"The file's name {said}, but its content is {_a(kind.label)}. Rename it to end in "
            f"{kind.extensions[0]} (or save it in the format its name says) and upload it again.",
        )
    return kind
