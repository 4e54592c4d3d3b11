"""A facility's history aimed at agency A by agency B's Agency Admin: every one of A's
facilities is "not found", filtering and paging after it find nothing, and no frame carries
a row of A's audit trail."""

from __future__ import annotations

from typing import Any

from cers_app.core import routes
from cers_app.regulator.audit_trail_state import RegulatorHistoryState
from tests.security.socket_session import form


def run(reg: Any, backend: Any, ids: Any, agency_b: int, page: Any) -> None:
    forged = ("0", "-1", "abc", "99999999", "")
    for facility in (*(str(f) for f in (ids.annex, ids.warehouse, ids.esparto)), *forged):
        where = page(routes.REGULATOR_FACILITY_HISTORY, id=facility)
        opened = reg.refused(RegulatorHistoryState, "load", where=where)
        assert all(not rows for rows in opened.vars("rows")), opened.describe()
        assert not any(opened.vars("title")), opened.describe()
        shown = reg.refused(
            RegulatorHistoryState,
            "filter",
            {"form_data": form(group="all", since="2000-01-01", until="2999-12-31")},
            where,
        )
        assert all(not rows for rows in shown.vars("rows")), shown.describe()
        paged = reg.refused(RegulatorHistoryState, "go_to_page", {"page": 1}, where)
        assert all(not rows for rows in paged.vars("rows")), paged.describe()
    where = page(routes.REGULATOR_FACILITY_HISTORY, id=str(ids.annex))
    bad = reg.refused(
        RegulatorHistoryState, "filter", {"form_data": form(group="x", since="soon")}, where
    )
    assert any("since" in errors for errors in bad.vars("errors")), bad.describe()
