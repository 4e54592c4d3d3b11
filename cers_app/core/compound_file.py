"""The names at the top of an OLE2 compound file (old Word and Excel files, MSI installers...).

Word 97-2003 documents keep their text in a root-level stream called "WordDocument", Excel
97-2003 workbooks in "Workbook" (or "Book" before Excel 97), and password-protected Office
2007+ files in "EncryptedPackage". Reading the directory tells them apart where a magic
number cannot: they all start with the same eight bytes. Only the directory is read, however
large the file, and every chain is walked at most once (a damaged or hostile file raises
CompoundFileError instead of looping).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_DIFAT_ENTRIES = 109
END_OF_CHAIN = 0xFFFFFFFE
FREE = 0xFFFFFFFF
NO_STREAM = 0xFFFFFFFF
ENTRY_SIZE = 128
MAX_ENTRIES = 100_000


class CompoundFileError(ValueError):
    """The file is not a readable compound file."""


class _Reader:
    def __init__(self, file: BinaryIO, size: int) -> None:
        self.file, self.size = file, size
        header = self._read_at(0, 512)
        if header[:8] != MAGIC:
            raise CompoundFileError("not a compound file")
        shift = struct.unpack_from("<H", header, 30)[0]
        if shift not in (9, 12):
            raise CompoundFileError("unexpected sector size")
        self.sector_size = 1 << shift
        self.first_directory = struct.unpack_from("<I", header, 48)[0]
        first_difat, difat_count = struct.unpack_from("<II", header, 68)
        fat = [
            n for n in struct.unpack_from(f"<{HEADER_DIFAT_ENTRIES}I", header, 76) if n < FREE - 4
        ]
        self.fat_sectors = fat + self._difat_chain(first_difat, difat_count)

    def _read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or offset + length > self.size:
            raise CompoundFileError("a sector lies outside the file")
        self.file.seek(offset)
        data = self.file.read(length)
        if len(data) != length:
            raise CompoundFileError("the file ended early")
        return data

    def _sector(self, number: int) -> bytes:
        return self._read_at((number + 1) * self.sector_size, self.sector_size)

    def _difat_chain(self, sector: int, count: int) -> list[int]:
        per_sector = self.sector_size // 4 - 1
        found: list[int] = []
        seen: set[int] = set()
        while sector < FREE - 4 and len(seen) < count:
            if sector in seen:
                raise CompoundFileError("the sector table loops")
            seen.add(sector)
            entries = struct.unpack_from(f"<{per_sector + 1}I", self._sector(sector))
            found += [n for n in entries[:per_sector] if n < FREE - 4]
            sector = entries[per_sector]
        return found

    def _next(self, sector: int) -> int:
        per_sector = self.sector_size // 4
        index, within = divmod(sector, per_sector)
        if index >= len(self.fat_sectors):
            raise CompoundFileError("a chain leaves the sector table")
        data = self._read_at((self.fat_sectors[index] + 1) * self.sector_size + within * 4, 4)
        return struct.unpack("<I", data)[0]

    def directory(self) -> list[bytes]:
        """Every 128-byte directory entry, in order."""
        entries: list[bytes] = []
        seen: set[int] = set()
        sector = self.first_directory
        while sector != END_OF_CHAIN:
            if sector in seen or sector >= FREE - 4:
                raise CompoundFileError("the directory chain is broken")
            seen.add(sector)
            data = self._sector(sector)
            entries += [data[i : i + ENTRY_SIZE] for i in range(0, len(data), ENTRY_SIZE)]
            if len(entries) > MAX_ENTRIES:
                raise CompoundFileError("the directory is implausibly large")
            sector = self._next(sector)
        return entries


def _name(entry: bytes) -> str:
    length = struct.unpack_from("<H", entry, 64)[0]
    if length < 2 or length > 64:
        return ""
    return entry[: length - 2].decode("utf-16-le", "replace")


def _links(entry: bytes) -> tuple[int, int, int]:
    """(left sibling, right sibling, child) of a directory entry."""
    return struct.unpack_from("<III", entry, 68)


def root_names(path: Path) -> set[str]:
    """The names of the streams and storages directly under the root of a compound file."""
    with path.open("rb") as file:
        size = file.seek(0, 2)
        entries = _Reader(file, size).directory()
    if not entries or entries[0][66] != 5:  # object type 5: the root storage
        raise CompoundFileError("the root entry is missing")
    names: set[str] = set()
    pending = [_links(entries[0])[2]]
    seen: set[int] = set()
    while pending:
        index = pending.pop()
        if index == NO_STREAM:
            continue
        if index in seen or index >= len(entries):
            raise CompoundFileError("the directory tree is broken")
        seen.add(index)
        entry = entries[index]
        names.add(_name(entry))
        left, right, _child = _links(entry)
        pending += [left, right]
    return names
