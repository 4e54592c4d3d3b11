"""Runs the few client actions the server sends as JavaScript text, without `eval`.

Reflex sends a toast (`rx.toast.*`), `rx.scroll_to` and `rx.call_script` from an event
handler as JavaScript source that its client runs with `eval`. The site's Content-Security-
Policy forbids `eval` ('unsafe-eval' would let injected text run as code), so this app wrap,
compiled into the page bundle, puts a small reader in `eval`'s place: it understands exactly
those shapes, with plain data for arguments (strings, numbers, booleans, objects, lists), and
hands any other text to the browser's own `eval`, which the policy refuses.
"""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import Var, VarData

# What the reader accepts (as Reflex 0.10 writes them):
#   (() => (refs['__toast']?.["error"]("text", ({ ["id"] : "x" }))))
#   (() => ((document.getElementById("slot"))?.["scrollIntoView"](true)))
#   window.print()
READER = r"""
if (!globalThis.__cersServerScripts) {
  globalThis.__cersServerScripts = true;
  const TOAST_LEVELS = new Set(
    ["success", "error", "info", "warning", "message", "loading", "dismiss"]
  );
  const refuse = () => {
    throw new SyntaxError("not a shape the reader knows");
  };
  const read = (text) => {
    let at = 0;
    const space = () => { while (at < text.length && " \t\r\n".includes(text[at])) at++; };
    const take = (word) => {
      space();
      if (!text.startsWith(word, at)) return false;
      at += word.length;
      return true;
    };
    const need = (word) => { if (!take(word)) refuse(); };
    const token = (pattern) => {
      space();
      pattern.lastIndex = at;
      const found = pattern.exec(text);
      if (!found) refuse();
      at = pattern.lastIndex;
      return JSON.parse(found[0]);
    };
    const string = () => token(/"(?:[^"\\\u0000-\u001f]|\\.)*"/y);
    const value = (depth) => {
      if (depth > 8) refuse();
      space();
      if (text[at] === '"') return string();
      if (take("({")) {
        const object = Object.create(null);
        if (!take("})")) {
          do {
            need("[");
            const key = string();
            need("]");
            need(":");
            object[key] = value(depth + 1);
          } while (take(","));
          need("})");
        }
        return Object.assign({}, object);
      }
      if (take("[")) {
        const list = [];
        if (!take("]")) { do { list.push(value(depth + 1)); } while (take(",")); need("]"); }
        return list;
      }
      return token(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y);
    };
    const args = () => {
      const list = [];
      need("(");
      if (!take(")")) { do { list.push(value(0)); } while (take(",")); need(")"); }
      return list;
    };
    const end = () => { space(); if (at !== text.length) refuse(); };
    if (take("window.print()")) { end(); return { print: true }; }
    need("(() =>"); need("(");
    if (take("refs['__toast']?.[")) {
      const level = string();
      need("]");
      const given = args();
      need(")"); need(")"); end();
      if (!TOAST_LEVELS.has(level)) refuse();
      return { toast: level, args: given };
    }
    need("(document.getElementById("); const id = string(); need("))");
    need("?.["); if (string() !== "scrollIntoView") refuse(); need("]");
    const given = args();
    need(")"); need(")"); end();
    return { scroll: id, args: given };
  };
  const nativeEval = globalThis.eval;
  globalThis.eval = (text) => {
    if (typeof text !== "string") return text;
    let action;
    try {
      action = read(text);
    } catch (unknownShape) {
      // Not one of ours: the browser's own eval decides, and the policy refuses it for the
      // page (tools that evaluate through the DevTools protocol are not bound by the policy).
      return nativeEval(text);
    }
    if (action.print) { window.print(); return undefined; }
    if (action.toast) return () => refs["__toast"]?.[action.toast](...action.args);
    return () => document.getElementById(action.scroll)?.scrollIntoView(...action.args);
  };
}
"""


class ServerScripts(rx.Fragment):
    """An app wrap whose only job is the hook that installs the reader."""

    def add_hooks(self) -> list[Var | str]:
        """The reader, compiled into the bundle (it needs the toaster's `refs`)."""
        return [
            Var(
                _js_expr=READER,
                _var_data=VarData(imports={"$/utils/state": [ImportVar(tag="refs")]}),
            )
        ]


def server_scripts_wrap(stateful: bool) -> rx.Component | None:
    """For `App.extra_app_wraps`: only pages with state receive server events."""
    return ServerScripts.create() if stateful else None
