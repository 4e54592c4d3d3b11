"""The clamd client: INSTREAM over a unix socket and TCP, against an in-test daemon, and
refusing the file whenever the scanner cannot give a verdict (fail closed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cers_app.core import virus_scan
from cers_app.core.settings import ClamdAddress, parse_clamd_address, reload_settings
from cers_app.core.storage import UploadRefused
from tests.clamd_server import ERROR, HANG_UP, SIGNATURE, SILENT, FakeClamd, unused_tcp_address
from tests.document_samples import eicar, pdf


@pytest.fixture
def clean_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf() * 20)
    return path


@pytest.fixture
def infected_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf() + eicar() + b"\n")
    return path


def _scan(address: str, path: Path, **kwargs) -> virus_scan.Verdict:
    return virus_scan.scan_path(path, parse_clamd_address(address), 2.0, **kwargs)


@pytest.mark.parametrize("unix", [True, False], ids=["unix", "tcp"])
def test_a_clean_file_passes_and_arrives_whole(clean_file: Path, unix: bool) -> None:
    with FakeClamd(unix=unix) as clamd:
        verdict = _scan(clamd.address, clean_file)
    assert verdict == virus_scan.Verdict(clean=True)
    [stream] = clamd.streams
    assert stream.command == b"zINSTREAM"
    assert stream.data == clean_file.read_bytes()


@pytest.mark.parametrize("unix", [True, False], ids=["unix", "tcp"])
def test_the_eicar_test_string_is_found(infected_file: Path, unix: bool) -> None:
    with FakeClamd(unix=unix) as clamd:
        verdict = _scan(clamd.address, infected_file)
    assert verdict == virus_scan.Verdict(clean=False, signature=SIGNATURE)


def test_chunks_carry_their_length_and_a_signature_may_straddle_two(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    content = b"%PDF-1.4\n" + b"x" * 50 + eicar() + b"y" * 100
    path.write_bytes(content)
    with FakeClamd() as clamd:
        verdict = _scan(clamd.address, path, chunk_bytes=32)
    assert not verdict.clean
    [stream] = clamd.streams
    assert stream.data == content
    assert stream.chunks == [32] * (len(content) // 32) + [len(content) % 32]
    starts = range(0, len(content), 32)
    offset = content.index(eicar())
    assert any(offset < start < offset + len(eicar()) for start in starts)


def test_an_empty_file_is_sent_as_a_zero_length_stream(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with FakeClamd() as clamd:
        assert _scan(clamd.address, path).clean
    assert clamd.streams[0].chunks == []


@pytest.mark.parametrize("unix", [True, False], ids=["unix", "tcp"])
def test_a_scanner_that_hangs_up_gives_no_verdict(clean_file: Path, unix: bool) -> None:
    with (
        FakeClamd(unix=unix, behaviour=HANG_UP) as clamd,
        pytest.raises(virus_scan.ScannerUnavailable),
    ):
        _scan(clamd.address, clean_file)


def test_an_error_reply_gives_no_verdict(clean_file: Path) -> None:
    with (
        FakeClamd(behaviour=ERROR) as clamd,
        pytest.raises(virus_scan.ScannerUnavailable, match="size limit"),
    ):
        _scan(clamd.address, clean_file)


def test_a_silent_scanner_times_out(clean_file: Path) -> None:
    with (
        FakeClamd(behaviour=SILENT) as clamd,
        pytest.raises(virus_scan.ScannerUnavailable, match=r"(?i)timed out|timeout"),
    ):
        virus_scan.scan_path(clean_file, parse_clamd_address(clamd.address), 0.3)


@pytest.mark.parametrize(
    "address",
    [unused_tcp_address(), "unix:/nonexistent/clamd.sock"],
    ids=["tcp-refused", "unix-missing"],
)
def test_an_unreachable_scanner_gives_no_verdict(clean_file: Path, address: str) -> None:
    with pytest.raises(virus_scan.ScannerUnavailable):
        _scan(address, clean_file)


# ------------------------------------------------------------------ through the setting


def _configure(monkeypatch: pytest.MonkeyPatch, address: str | None) -> None:
    if address is None:
        monkeypatch.delenv("CERS_CLAMD_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("CERS_CLAMD_ADDRESS", address)
    monkeypatch.setenv("CERS_CLAMD_TIMEOUT_SECONDS", "2")
    reload_settings()


def test_without_a_scanner_nothing_is_scanned(monkeypatch, infected_file: Path) -> None:
    _configure(monkeypatch, None)
    virus_scan.check_clean(infected_file, "plan.pdf")  # no scanner: accepted unscanned


def test_a_configured_scanner_refuses_an_infected_file(monkeypatch, infected_file: Path) -> None:
    with FakeClamd(unix=True) as clamd:
        _configure(monkeypatch, clamd.address)
        with pytest.raises(UploadRefused) as refused:
            virus_scan.check_clean(infected_file, "plan.pdf")
    assert refused.value.code == "infected"
    assert SIGNATURE in refused.value.message


def test_a_configured_scanner_lets_a_clean_file_through(monkeypatch, clean_file: Path) -> None:
    with FakeClamd() as clamd:
        _configure(monkeypatch, clamd.address)
        virus_scan.check_clean(clean_file, "plan.pdf")
    assert len(clamd.streams) == 1


def test_an_unreachable_configured_scanner_refuses_the_upload(monkeypatch, clean_file) -> None:
    _configure(monkeypatch, unused_tcp_address())
    with pytest.raises(UploadRefused) as refused:
        virus_scan.check_clean(clean_file, "plan.pdf")
    assert refused.value.code == "scanner_unavailable"
    assert refused.value.status == 503
    assert "virus scanner is unavailable" in refused.value.message
    assert "try again later" in refused.value.message.lower()


# ------------------------------------------------------------------ the address setting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unix:/run/clamav/clamd.ctl", ClamdAddress(path="/run/clamav/clamd.ctl")),
        ("tcp:127.0.0.1:3310", ClamdAddress(host="127.0.0.1", port=3310)),
        ("tcp:clamav.internal:3310", ClamdAddress(host="clamav.internal", port=3310)),
        ("tcp:[::1]:3310", ClamdAddress(host="::1", port=3310)),
    ],
)
def test_addresses_are_read(text: str, expected: ClamdAddress) -> None:
    assert parse_clamd_address(text) == expected
    assert str(expected).startswith(text.split(":")[0])


@pytest.mark.parametrize(
    "text",
    ["clamd.sock", "unix:relative.sock", "tcp:host", "tcp:host:0", "tcp:host:99999", "udp:h:1"],
)
def test_bad_addresses_are_refused_at_start(monkeypatch, text: str) -> None:
    with pytest.raises(ValueError, match="CERS_CLAMD_ADDRESS"):
        parse_clamd_address(text)
    monkeypatch.setenv("CERS_CLAMD_ADDRESS", text)
    with pytest.raises(ValueError, match="CERS_CLAMD_ADDRESS"):
        reload_settings()
    monkeypatch.delenv("CERS_CLAMD_ADDRESS")
    reload_settings()


def test_a_blank_address_means_no_scanner(monkeypatch) -> None:
    monkeypatch.setenv("CERS_CLAMD_ADDRESS", "  ")
    assert reload_settings().clamd is None
