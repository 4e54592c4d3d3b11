"""Tiny files of every kind the document upload meets, made here byte by byte.

The EICAR test string (which every virus scanner reports, though it is harmless) is built from
pieces at run time, so this file itself never trips a scanner.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

SECTOR = 512
END_OF_CHAIN, FREE, FAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF


def eicar() -> bytes:
    """The EICAR anti-virus test string."""
    head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
    tail = "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    return (head + "EICAR" + tail).encode("ascii")


def pdf(text: str = "Emergency plan") -> bytes:
    """A one-page PDF with valid cross-references."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def png(width: int = 2, height: int = 2) -> bytes:
    """A small grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """The start of a JPEG (JFIF) file: enough for its kind to be read."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + b"\xff\xdb" + bytes(200) + b"\xff\xd9"


def _zip(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx(*, macros: bool = False) -> bytes:
    """A Word (OOXML) document; with `macros`, a macro-enabled one."""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": _TYPES,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document/>",
    }
    if macros:
        parts["word/vbaProject.bin"] = b"\x00" * 64
    return _zip(parts)


def xlsx(*, docprops_first: bool = False) -> bytes:
    """An Excel (OOXML) workbook; `docprops_first` orders its parts as some writers do."""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": _TYPES,
        "xl/workbook.xml": "<workbook/>",
        "xl/worksheets/sheet1.xml": "<worksheet/>",
    }
    if docprops_first:
        parts = {"docProps/app.xml": "<Properties/>" + " " * 9000, **parts}
    return _zip(parts)


def pptx() -> bytes:
    return _zip({"[Content_Types].xml": _TYPES, "ppt/presentation.xml": "<p:presentation/>"})


def plain_zip() -> bytes:
    return _zip({"plan.pdf": pdf(), "readme.txt": "two documents"})


def _entry(name: str, kind: int, left: int = NO_STREAM, right: int = NO_STREAM,
           child: int = NO_STREAM) -> bytes:  # fmt: skip
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, left, right, child)
    struct.pack_into("<II", entry, 116, END_OF_CHAIN, 0)
    return bytes(entry)


def ole2(*root_names: str, nested: tuple[str, ...] = ()) -> bytes:
    """A compound file whose root holds empty streams named `root_names`, plus one storage
    holding streams named `nested` (what an embedded object looks like)."""
    entries = [b""]
    names = list(root_names) + (["ObjectPool"] if nested else [])
    first_child = 1 if names else NO_STREAM
    for position, name in enumerate(names, start=1):
        right = position + 1 if position < len(names) else NO_STREAM
        if name == "ObjectPool":
            entries.append(_entry(name, 1, right=right, child=len(names) + 1))
        else:
            entries.append(_entry(name, 2, right=right))
    for position, name in enumerate(nested, start=len(names) + 1):
        right = position + 1 if position < len(names) + len(nested) else NO_STREAM
        entries.append(_entry(name, 2, right=right))
    entries[0] = _entry("Root Entry", 5, child=first_child)
    directory = b"".join(entries)
    directory += b"\x00" * (-len(directory) % SECTOR)
    directory_sectors = len(directory) // SECTOR
    fat = [FAT_SECTOR]
    fat += [k + 1 for k in range(1, directory_sectors)] + [END_OF_CHAIN]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = bytearray(SECTOR)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN)
    struct.pack_into("<I", header, 72, 0)
    difat = [0] + [FREE] * 108
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + struct.pack(f"<{SECTOR // 4}I", *fat) + directory


def doc() -> bytes:
    return ole2("WordDocument", "1Table", "\x05SummaryInformation")


def xls() -> bytes:
    return ole2("Workbook", "\x05SummaryInformation")


def exe() -> bytes:
    """The start of a Windows program (an MZ header with its PE offset)."""
    header = bytearray(b"MZ" + bytes(126))
    struct.pack_into("<I", header, 0x3C, 0x80)
    return bytes(header) + b"PE\x00\x00" + bytes(256)


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(256)
