"""check_payload: event arguments are checked against the handler's signature before it runs."""

from __future__ import annotations

import contextlib
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reflex_base.utils import form as reflex_form

from cers_app.core.handler_args import (
    FORM_DATA_ENTRIES_KEY,
    MAX_ITEMS,
    MAX_STRING,
    PayloadError,
    check_payload,
)


class UploadLike:
    """An annotation the checker leaves to the handler (like Reflex's upload files)."""


class Handlers:
    def text(self, name: str): ...
    def number(self, count: int): ...
    def ratio(self, value: float): ...
    def flag(self, on: bool): ...
    def form(self, form_data: dict[str, str]): ...
    def loose_form(self, data: dict[str, Any]): ...
    def names(self, items: list[str]): ...
    def ids(self, items: list[int]): ...
    def optional(self, note: str | None): ...
    def old_optional(self, page: Optional[int]): ...  # noqa: UP045 - the old spelling, on purpose
    def defaulted(self, page: int = 1, size: int = 25): ...
    def untyped(self, value): ...
    def upload(self, files: list[UploadLike]): ...
    def anything(self, value: Any): ...
    def keywords(self, name: str, **extra): ...
    def nothing(self): ...


def _form(*entries: Any) -> dict[str, Any]:
    return {FORM_DATA_ENTRIES_KEY: [list(entry) for entry in entries]}


def test_it_uses_the_same_form_data_key_as_reflex():
    assert FORM_DATA_ENTRIES_KEY == reflex_form.FORM_DATA_ENTRIES_KEY


@pytest.mark.parametrize(
    ("handler", "payload"),
    [
        (Handlers.text, {"name": "Lena"}),
        (Handlers.text, {"name": ""}),
        (Handlers.text, {"name": "x" * MAX_STRING}),
        (Handlers.number, {"count": 0}),
        (Handlers.number, {"count": -(2**53)}),
        (Handlers.number, {"count": 2**53}),
        (Handlers.ratio, {"value": 1.5}),
        (Handlers.ratio, {"value": 2}),
        (Handlers.flag, {"on": False}),
        (Handlers.form, {"form_data": {"username": "lenalead", "password": "x"}}),
        (Handlers.form, {"form_data": {}}),
        (Handlers.form, {"form_data": _form(("username", "lenalead"), ("phrase", "hi"))}),
        (Handlers.form, {"form_data": _form()}),
        (Handlers.loose_form, {"data": {"a": 1, "b": [1, 2], "c": None, "d": {"e": True}}}),
        (Handlers.loose_form, {"data": _form(("count", 3), ("tags", ["a"]))}),
        (Handlers.names, {"items": ["a", "b"]}),
        (Handlers.names, {"items": []}),
        (Handlers.ids, {"items": [1, 2, 3]}),
        (Handlers.optional, {"note": None}),
        (Handlers.optional, {"note": "hello"}),
        (Handlers.old_optional, {"page": None}),
        (Handlers.old_optional, {"page": 2}),
        (Handlers.defaulted, {}),
        (Handlers.defaulted, {"size": 50}),
        (Handlers.untyped, {"value": {"any": ["thing"]}}),
        (Handlers.upload, {"files": [{"name": "a.pdf"}]}),
        (Handlers.anything, {"value": [1, "two", None]}),
        (Handlers.keywords, {"name": "x", "other": 1, "more": [2]}),
        (Handlers.nothing, {}),
    ],
)
def test_it_accepts_a_payload_that_fits_the_signature(handler, payload):
    check_payload(handler, payload)


@pytest.mark.parametrize(
    ("handler", "payload", "message"),
    [
        (Handlers.text, ["Lena"], "the request arguments must be named"),
        (Handlers.text, "Lena", "the request arguments must be named"),
        (Handlers.text, None, "the request arguments must be named"),
        (Handlers.text, {}, "missing argument name"),
        (Handlers.text, {"name": "Lena", "admin": True}, "unexpected argument admin"),
        (Handlers.nothing, {"self": 1}, "unexpected argument self"),
        (Handlers.text, {"name": 5}, "name must be text"),
        (Handlers.text, {"name": None}, "name must be text"),
        (Handlers.text, {"name": ["Lena"]}, "name must be text"),
        (Handlers.text, {"name": "x" * (MAX_STRING + 1)}, "name is too long"),
        (Handlers.number, {"count": "5"}, "count must be a whole number"),
        (Handlers.number, {"count": 1.5}, "count must be a whole number"),
        (Handlers.number, {"count": True}, "count must be a whole number"),
        (Handlers.number, {"count": 2**53 + 1}, "count must be a whole number"),
        (Handlers.number, {"count": -(2**60)}, "count must be a whole number"),
        (Handlers.ratio, {"value": "1.5"}, "value must be a number"),
        (Handlers.ratio, {"value": False}, "value must be a number"),
        (Handlers.flag, {"on": 1}, "on must be true or false"),
        (Handlers.flag, {"on": "true"}, "on must be true or false"),
        (Handlers.form, {"form_data": "username=lena"}, "form_data must be a form"),
        (Handlers.form, {"form_data": ["username", "lena"]}, "form_data must be a form"),
        (Handlers.form, {"form_data": {"username": 5}}, "form_data.username must be text"),
        (Handlers.form, {"form_data": {"u": {"nested": "x"}}}, "form_data.u must be text"),
        (
            Handlers.form,
            {"form_data": {f"f{n}": "x" for n in range(MAX_ITEMS + 1)}},
            "form_data must be a form of at most",
        ),
        (Handlers.form, {"form_data": _form(("username", 5))}, "form_data.username must be text"),
        (
            Handlers.form,
            {"form_data": _form(("bio", "x" * (MAX_STRING + 1)))},
            "form_data.bio is too long",
        ),
        (
            Handlers.form,
            {"form_data": {FORM_DATA_ENTRIES_KEY: "username=lena"}},
            "form_data must be a form",
        ),
        (
            Handlers.form,
            {"form_data": {FORM_DATA_ENTRIES_KEY: [["only-a-name"]]}},
            "form_data has a malformed field",
        ),
        (
            Handlers.form,
            {"form_data": {FORM_DATA_ENTRIES_KEY: [[1, "x"]]}},
            "form_data has a malformed field",
        ),
        (
            Handlers.form,
            {"form_data": {FORM_DATA_ENTRIES_KEY: [("a", "b")]}},
            "form_data has a malformed field",
        ),
        (
            Handlers.form,
            {"form_data": {FORM_DATA_ENTRIES_KEY: [["a", "b", "c"]]}},
            "form_data has a malformed field",
        ),
        (
            Handlers.form,
            {"form_data": _form(*[(f"f{n}", "x") for n in range(MAX_ITEMS + 1)])},
            "form_data must be a form of at most",
        ),
        (
            # The wire key with company is an ordinary form, whose fields must be text.
            Handlers.form,
            {"form_data": {**_form(("a", "b")), "extra": "x"}},
            "must be text",
        ),
        (Handlers.names, {"items": "abc"}, "items must be a list"),
        (Handlers.names, {"items": ["a", 1]}, "items must be text"),
        (Handlers.names, {"items": ["x"] * (MAX_ITEMS + 1)}, "items must be a list of at most"),
        (Handlers.ids, {"items": [1, "2"]}, "items must be a whole number"),
        (Handlers.ids, {"items": [1, True]}, "items must be a whole number"),
        (Handlers.optional, {"note": 3}, "note must be text"),
        (Handlers.old_optional, {"page": "2"}, "page must be a whole number"),
        (Handlers.defaulted, {"page": None}, "page must be a whole number"),
        (Handlers.keywords, {"name": 1, "other": 1}, "name must be text"),
    ],
)
def test_it_refuses_a_payload_that_does_not_fit(handler, payload, message):
    with pytest.raises(PayloadError) as caught:
        check_payload(handler, payload)

    assert message in str(caught.value)


def test_it_keeps_the_message_about_unknown_arguments_short():
    payload = {f"argument_{n}_" + "x" * 50: 1 for n in range(50)}

    with pytest.raises(PayloadError) as caught:
        check_payload(Handlers.nothing, payload)

    assert len(str(caught.value)) <= len("unexpected argument ") + 200


def test_it_names_a_bad_field_of_a_form_in_at_most_80_characters():
    name = "n" * 500

    with pytest.raises(PayloadError) as caught:
        check_payload(Handlers.form, {"form_data": {name: 1}})

    assert len(str(caught.value)) <= 80 + len(" must be text")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
CHECKED = [
    Handlers.text,
    Handlers.number,
    Handlers.ratio,
    Handlers.flag,
    Handlers.form,
    Handlers.loose_form,
    Handlers.names,
    Handlers.ids,
    Handlers.optional,
    Handlers.defaulted,
]


@settings(max_examples=200, deadline=None)
@given(handler=st.sampled_from(CHECKED), payload=JSON)
def test_it_only_ever_refuses_hostile_input_with_a_payload_error(handler, payload):
    # Whatever a client sends, the checker answers yes or PayloadError, never a crash.
    name = next(iter(handler.__annotations__))
    for candidate in (payload, {name: payload}):
        with contextlib.suppress(PayloadError):
            check_payload(handler, candidate)


@settings(max_examples=100, deadline=None)
@given(fields=st.lists(st.tuples(st.text(max_size=10), st.text(max_size=30)), max_size=20))
def test_it_accepts_any_text_form_in_the_reflex_wire_format(fields):
    check_payload(Handlers.form, {"form_data": _form(*fields)})
