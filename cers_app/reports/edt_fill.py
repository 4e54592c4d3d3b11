"""Flat values to schema-ordered XML and back.

Our forms keep their values flat, keyed by CERS XML tag ({"TankIDNumber": "T-1", ...}). The
schema nests some of them: a UST monitoring method is an element of its own holding its
details. `fill` writes the values a schema element allows, in schema order: a simple child
when it has a value, a nested (complex) child when its own tag holds "Y", filled from the
same values. `flatten` reads such an element back into flat values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lxml import etree

from cers_app.reports.edt_schema import SUBMITTAL, Child, children_of

YES = "Y"
# A nested child written by the caller instead: (parent element) -> None.
Nested = Mapping[str, Callable[[etree._Element], None]]


def text_of(value: object) -> str:
    """A stored value as XML text ("" for nothing)."""
    if value is None:
        return ""
    return str(value).strip()


def add(parent: etree._Element, tag: str, value: object = None) -> etree._Element:
    """Append child `tag` (with text `value` when given) and return it."""
    child = etree.SubElement(parent, tag)
    if value is not None:
        child.text = text_of(value)
    return child


def fill(
    parent: etree._Element,
    kids: tuple[Child, ...],
    values: Mapping[str, object],
    nested: Nested | None = None,
    name: str = SUBMITTAL,
) -> etree._Element:
    """Append to `parent` the children the schema allows that `values` holds, in order."""
    nested = nested or {}
    for kid in kids:
        if kid.name in nested:
            nested[kid.name](parent)
            continue
        value = text_of(values.get(kid.name))
        if kid.node is None:
            if value:
                add(parent, kid.name, value)
        elif value == YES:
            fill(add(parent, kid.name), children_of(kid.node, name), values, None, name)
    return parent


def flatten(
    element: etree._Element, kids: tuple[Child, ...], name: str = SUBMITTAL
) -> dict[str, str]:
    """The flat values of `element`: simple children by tag; a nested child present gives
    its tag "Y" and its own children's values. Children the schema does not declare at
    this place are skipped."""
    declared = {kid.name: kid for kid in kids}
    values: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment
        kid = declared.get(child.tag)
        if kid is None:
            continue
        if kid.node is None:
            values[child.tag] = (child.text or "").strip()
        else:
            values[child.tag] = YES
            values.update(flatten(child, children_of(kid.node, name), name))
    return values
