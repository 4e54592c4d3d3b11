"""The Emergency Responder's handlers aimed at agency A by agency B's Agency Admin (who holds
no RESPOND right, and no reach into A): the search lists nothing, every facility of A is not
found, and the inventory paging handlers read nothing. The handlers change nothing at all."""

from __future__ import annotations

from typing import Any

from cers_app.core import routes
from cers_app.regulator.responder_state import ResponderFacilityState, ResponderSearchState
from tests.security.socket_session import form


def _empty(reply: Any, *names: str) -> bool:
    return all(not value for name in names for value in reply.vars(name))


def run(reg: Any, backend: Any, ids: Any, agency_b: int, page: Any) -> None:
    where = page(routes.RESPONDER_HOME)
    replies = [reg.refused(ResponderSearchState, "load", where=where)]
    for text in ("Acme", *(str(c) for c in ids.cers_ids.values()), "Woodland", "Valley"):
        payload = {"form_data": form(query=text)}
        replies.append(reg.refused(ResponderSearchState, "search", payload, where))
    replies.append(reg.refused(ResponderSearchState, "go_to_page", {"page": 2}, where))
    for reply in replies:
        assert _empty(reply, "rows", "total"), reply.describe()

    for facility in (ids.annex, ids.warehouse, ids.esparto):
        where = page(routes.RESPONDER_FACILITY, id=str(facility))
        reply = reg.refused(ResponderFacilityState, "load", where=where)
        assert _empty(reply, "head", "contacts", "site_maps", "items"), reply.describe()
        for reply in (
            reg.call(ResponderFacilityState, "item_go", {"page": 2}, where),
            reg.call(ResponderFacilityState, "item_search", {"form_data": form(text="a")}, where),
        ):
            assert _empty(reply, "items", "item_total"), reply.describe()
