"""Counts for `make security-report`: each security suite tallies the cases it tried.

A suite calls `tally(suite, outcome)` once per case, where outcome is one of OUTCOMES:
"refused" (the attack was turned away), "allowed" (a legitimate call that did what it should
and leaked nothing), "leaked" (data the caller may not see came back) or "crashed" (an
unhandled error). The tests themselves still assert no leak and no crash; the tallies only
report how much was tried. When CERS_SECURITY_REPORT names a directory, each pytest process
appends its tallies there as JSON lines at exit; `python -m tests.security.report DIR` prints
the table.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import uuid
from collections import Counter
from pathlib import Path

OUTCOMES = ("refused", "allowed", "leaked", "crashed")

_counts: Counter[tuple[str, str]] = Counter()
_lock = threading.Lock()
_registered = False


def tally(suite: str, outcome: str, count: int = 1) -> None:
    """Count `count` cases of `suite` that ended in `outcome`."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; one of {OUTCOMES}")
    global _registered
    with _lock:
        _counts[(suite, outcome)] += count
        if not _registered:
            atexit.register(_flush)
            _registered = True


def _flush() -> None:
    target = os.environ.get("CERS_SECURITY_REPORT")
    if not target or not _counts:
        return
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tallies-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for (suite, outcome), count in sorted(_counts.items()):
            out.write(json.dumps({"suite": suite, "outcome": outcome, "count": count}) + "\n")


def table(folder: Path) -> str:
    """The tallies found in `folder`, one line per suite, as a plain-text table."""
    totals: dict[str, Counter[str]] = {}
    for path in sorted(folder.glob("tallies-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            totals.setdefault(entry["suite"], Counter())[entry["outcome"]] += entry["count"]
    heads = ("suite", "tried", *OUTCOMES)
    rows = [
        (suite, str(sum(c.values())), *(str(c[o]) for o in OUTCOMES))
        for suite, c in sorted(totals.items())
    ]
    if totals:
        grand = Counter()
        for c in totals.values():
            grand.update(c)
        rows.append(("total", str(sum(grand.values())), *(str(grand[o]) for o in OUTCOMES)))
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]

    def fmt(row: tuple[str, ...]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(cells)
        )

    return "\n".join([fmt(heads), fmt(tuple("-" * w for w in widths)), *map(fmt, rows)])


if __name__ == "__main__":
    print(table(Path(sys.argv[1] if len(sys.argv) > 1 else "build/security-report")))
