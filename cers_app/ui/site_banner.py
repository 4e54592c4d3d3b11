"""The site notices banner at the top of every page (planned maintenance and the like).

Training and maintenance modes add their own notice first (cers_app.ops.banner).

Loaded by every page's on_load (see `layout.add_pages`), so a notice appears and disappears on
time as people move between pages; for anyone, signed in or not. One indexed query.
"""

from __future__ import annotations

import reflex as rx

from cers_app.agencies.site_notices import current_notices
from cers_app.core import clock, db
from cers_app.core.permissions import public
from cers_app.ops.banner import site_mode_notices


class SiteNoticeState(rx.State):
    notices: list[dict[str, str]] = []

    @public
    @rx.event
    async def load(self) -> None:
        found = await db.run_async(current_notices, clock.now())
        self.notices = await db.run_async(site_mode_notices) + [
            {"id": str(n.id), "message": n.message, "level": n.level} for n in found
        ]


def _notice(notice: rx.Var) -> rx.Component:
    warning = notice["level"] == "warning"
    return rx.callout.root(
        rx.callout.icon(rx.cond(warning, rx.icon("triangle-alert"), rx.icon("info"))),
        rx.callout.text(notice["message"], style={"overflowWrap": "anywhere"}),
        color_scheme=rx.cond(warning, "amber", "blue"),
        role=rx.cond(warning, "alert", "status"),
        id="site-notice-" + notice["id"],
        width="100%",
        size="1",
    )


def site_banner() -> rx.Component:
    return rx.cond(
        SiteNoticeState.notices.length() > 0,
        rx.vstack(
            rx.foreach(SiteNoticeState.notices, _notice),
            id="site-notice-banner",
            spacing="2",
            width="100%",
            max_width="960px",
            margin="0 auto",
            padding="8px 16px 0",
        ),
    )
