"""Reading a document's kind from its content, and refusing what is not an accepted document
or does not match its name, each time saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from cers_app.core import compound_file, file_kinds
from cers_app.core.storage import UploadRefused
from tests import document_samples as samples


def _file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _refusal(tmp_path: Path, name: str, content: bytes) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        file_kinds.check_document(_file(tmp_path, "upload", content), name)
    return refused.value


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Plan.pdf", samples.pdf(), "pdf"),
        ("Site map.PNG", samples.png(), "png"),
        ("photo.jpg", samples.jpeg(), "jpeg"),
        ("photo.jpeg", samples.jpeg(), "jpeg"),
        ("Training.docx", samples.docx(), "docx"),
        ("Training.xlsx", samples.xlsx(), "xlsx"),
        ("Training.xlsx", samples.xlsx(docprops_first=True), "xlsx"),
        ("Plan.doc", samples.doc(), "doc"),
        ("Log.xls", samples.xls(), "xls"),
        ("Old.xls", samples.ole2("Book"), "xls"),
    ],
)
def test_accepted_documents_are_recognised(tmp_path, name: str, content: bytes, kind: str):
    found = file_kinds.check_document(_file(tmp_path, "upload", content), name)
    assert found.code == kind
    assert found is file_kinds.KINDS[kind]


def test_a_word_file_with_an_excel_sheet_inside_is_still_a_word_file(tmp_path) -> None:
    content = samples.ole2("WordDocument", "1Table", nested=("Workbook",))
    assert file_kinds.check_document(_file(tmp_path, "u", content), "Plan.doc").code == "doc"
    content = samples.ole2("Workbook", nested=("WordDocument",))
    assert file_kinds.check_document(_file(tmp_path, "u", content), "Log.xls").code == "xls"


def test_a_large_compound_directory_is_read(tmp_path) -> None:
    names = [f"Stream {number}" for number in range(40)] + ["Workbook"]
    path = _file(tmp_path, "u", samples.ole2(*names))
    assert "Workbook" in compound_file.root_names(path)
    assert file_kinds.check_document(path, "big.xls").code == "xls"


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("Emergency Plan.pdf", samples.exe(), "Windows program"),
        ("map.png", samples.exe(), "MZ header"),
        ("plan.exe", samples.exe(), "Windows program"),
        ("plan.pdf", samples.elf(), "Linux program"),
        ("plan.docx", b"#!/bin/sh\nrm -rf /\n", "script"),
    ],
)
def test_a_renamed_program_is_refused_saying_so(tmp_path, name: str, content: bytes, what: str):
    refusal = _refusal(tmp_path, name, content)
    assert refusal.code == "executable"
    assert what in refusal.message
    assert "not a document" in refusal.message


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("plan.pdf", samples.png(), ["ends in .pdf", "a PNG image", "end in .png"]),
        ("map.png", samples.pdf(), ["ends in .png", "a PDF document", "end in .pdf"]),
        ("plan.docx", samples.xlsx(), ["ends in .docx", "an Excel workbook", ".xlsx"]),
        ("plan.doc", samples.xls(), ["ends in .doc", "an Excel 97-2003", ".xls"]),
        ("plan", samples.pdf(), ["has no extension", "end in .pdf"]),
        ("plan.txt", samples.pdf(), ["ends in .txt", "end in .pdf"]),
    ],
)
def test_a_name_that_disagrees_with_the_content_is_refused(tmp_path, name, content, says):
    refusal = _refusal(tmp_path, name, content)
    assert refusal.code == "wrong_extension"
    for text in says:
        assert text in refusal.message


@pytest.mark.parametrize(
    ("name", "content", "code", "text"),
    [
        ("plans.docx", samples.plain_zip(), "archive", "zip archive"),
        ("plans.zip", samples.plain_zip(), "archive", "Upload each document"),
        ("slides.pptx", samples.pptx(), "not_document", "PowerPoint"),
        ("plan.docm", samples.docx(macros=True), "macros", "macros"),
        ("plan.docx", samples.docx(macros=True), "macros", "plain .docx"),
        ("plan.docx", samples.ole2("EncryptedPackage", "EncryptionInfo"), "encrypted", "password"),
        ("setup.doc", samples.ole2("SummaryInformation", "!_StringData"), "not_document", "PDF"),
        ("plan.doc", samples.doc()[:700], "damaged", "damaged"),
        ("plan.docx", b"PK\x03\x04" + b"\0" * 200, "damaged", "damaged"),
        ("notes.txt", b"just some text\n", "not_document", "PDF, Word"),
        ("map.gif", b"GIF89a" + bytes(100), "not_document", "JPEG or PNG"),
        ("empty.pdf", b"", "empty", "empty"),
    ],
)
def test_other_content_is_refused_saying_why(tmp_path, name, content, code, text) -> None:
    refusal = _refusal(tmp_path, name, content)
    assert (refusal.code, refusal.status) == (code, 400)
    assert text in refusal.message


@pytest.mark.parametrize(
    "content",
    [
        samples.doc()[:512],  # the header only
        samples.doc()[:512] + b"\xff" * 1024,  # a sector table of garbage
        bytearray(samples.doc()),  # patched below: a directory chain that loops
    ],
    ids=["header-only", "garbage-table", "looping-chain"],
)
def test_hostile_compound_files_do_not_hang_or_crash(tmp_path, content) -> None:
    if isinstance(content, bytearray):
        content[512 + 4 : 512 + 8] = (1).to_bytes(4, "little")  # sector 1 points at itself
        content = bytes(content)
    path = _file(tmp_path, "u", content)
    with pytest.raises(compound_file.CompoundFileError):
        compound_file.root_names(path)
    assert _refusal(tmp_path, "plan.doc", content).code == "damaged"


def test_labels_and_media_types() -> None:
    assert file_kinds.kind_label("pdf") == "PDF document"
    assert file_kinds.media_type("docx").endswith("wordprocessingml.document")
    assert file_kinds.media_type("unknown") == "application/octet-stream"
    assert [file_kinds.KINDS[k].document_format for k in ("pdf", "doc", "xls", "jpeg")] == [
        1,
        2,
        3,
        4,
    ]
