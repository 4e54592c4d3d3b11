"""The reader that stands in for `eval` (ui/server_scripts.py), run in a JavaScript engine on the
exact text Reflex sends for the app's toasts, scroll and print: each becomes its call with the
data intact; any other text is not run by the reader but handed to the engine's own eval
(which, in the browser, the Content-Security-Policy refuses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import reflex as rx

from cers_app.core import error_reports
from cers_app.ui.server_scripts import READER
from tests.security.report import tally

PROJECT = Path(__file__).resolve().parents[2]
HARNESS = """
const calls = [];
const record = (level) => (...args) => calls.push([level, ...args]);
const refs = {__toast: new Proxy({}, {get: (_, level) => record(level)})};
globalThis.window = {print: () => calls.push(["print"])};
const element = (id) => ({scrollIntoView: (...a) => calls.push(["scroll", id, ...a])});
globalThis.document = {getElementById: element};
globalThis.__delegated = [];
const realEval = globalThis.eval;
globalThis.eval = (text) => { globalThis.__delegated.push(text); return realEval(text); };
%s
const results = [];
for (const [kind, text] of JSON.parse(process.argv[2] ?? "[]")) {
  calls.length = 0;
  globalThis.__delegated.length = 0;
  try {
    if (kind === "script") eval(text); else eval(text)();
  } catch (error) {
    calls.push(["threw", String(error)]);
  }
  results.push({calls: [...calls], delegated: globalThis.__delegated.length});
}
console.log(JSON.stringify(results));
"""


def _engine() -> str:
    tools = PROJECT / ".tools" / "node_modules" / ".bin"
    for name in ("node", "bun"):
        found = shutil.which(name, path=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
        if found:
            return found
    pytest.skip("no JavaScript engine (node or bun) to run the reader")
    return ""


def _function(spec) -> tuple[str, str]:
    args = {str(name): str(value) for name, value in spec.args}
    if "javascript_code" in args:
        return "script", json.loads(args["javascript_code"])
    return "function", args["function"]


def _run(cases: list[tuple[str, str]], tmp_path: Path) -> list[dict]:
    script = tmp_path / "reader.js"
    stubs = "globalThis.alert = () => 0; globalThis.fetch = () => 0;\n"
    script.write_text(stubs + HARNESS % READER)
    done = subprocess.run(
        [_engine(), str(script), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_app_s_server_actions_run_without_eval(tmp_path: Path) -> None:
    tricky = 'Quote " and \\ and </script> and ünïcode, then ({ ["x"] : 1 })'
    specs = [
        rx.toast.error(error_reports.client_message("E-ABCDEFGH"), id="backend-error"),
        rx.toast.success("Saved", id="profile-saved"),
        rx.toast.info(tricky, description="More", duration=5000, close_button=True),
        rx.toast.warning("Careful"),
        rx.scroll_to("doc-slot-2"),
        rx.call_script("window.print()"),
    ]
    results = _run([_function(spec) for spec in specs], tmp_path)
    assert [r["calls"] for r in results] == [
        [["error", error_reports.client_message("E-ABCDEFGH"), {"id": "backend-error"}]],
        [["success", "Saved", {"id": "profile-saved"}]],
        [["info", tricky, {"closeButton": True, "description": "More", "duration": 5000}]],
        [["warning", "Careful"]],
        [["scroll", "doc-slot-2", True]],
        [["print"]],
    ]
    assert all(r["delegated"] == 0 for r in results), "no text reached the real eval"
    tally("http", "allowed", len(specs))


@pytest.mark.parametrize(
    "text",
    [
        "(() => (fetch('/steal?c=' + document.cookie)))",
        "(() => (refs['__toast']?.[\"error\"](alert(1))))",
        '(() => (refs[\'__toast\']?.["constructor"]("x")))',
        '(() => (refs[\'__toast\']?.["error"]("x"))); alert(1); (() => 1)',
        '(() => ((document.getElementById("a"))?.["remove"](true)))',
    ],
    ids=["other-code", "code-argument", "not-a-toast-level", "trailing-code", "not-scroll"],
)
def test_any_other_text_is_left_to_the_real_eval(tmp_path: Path, text: str) -> None:
    [result] = _run([("function", text)], tmp_path)
    assert result["delegated"] == 1, result
    tally("http", "refused")
