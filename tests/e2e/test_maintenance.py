"""Maintenance mode in the browser: switched on from the CLI while the site runs, every page
shows the banner, sign-in still works, a change is refused with the maintenance message and
nothing is created; switched off, the same change goes through."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS
from tests.e2e.flows import business_row, expect_toast, sign_in_demo, visit
from tests.e2e.server import AppServer


@pytest.fixture
def maintenance(app_server: AppServer) -> Iterator[None]:
    app_server.cli("maintenance", "on", "--until", "18:00 PT", "--message", "Upgrading the server.")
    try:
        yield
    finally:
        app_server.cli("maintenance", "off")


def test_maintenance_keeps_reading_and_sign_in_and_refuses_changes(
    ui: Page, app_server: AppServer, maintenance: None
) -> None:
    visit(ui, "/")
    banner = ui.locator("#site-notice-maintenance")
    expect(banner).to_contain_text("OpenCERS is in maintenance until 18:00 PT")
    sign_in_demo(ui, BUSINESS)
    expect(ui.locator("#site-notice-maintenance")).to_be_visible()

    name = f"Maintenance Test {uuid.uuid4().hex[:6]}"
    visit(ui, "/account/businesses")
    ui.fill("#business-name", name)
    ui.fill("#business-headquarters", "Sacramento")
    ui.click("#business-create")
    expect_toast(
        ui, "OpenCERS is in maintenance until 18:00 PT; nothing was changed.", kind="error"
    )
    visit(ui, "/account/businesses")
    expect(business_row(ui, name)).to_have_count(0)

    app_server.cli("maintenance", "off")
    visit(ui, "/account/businesses")
    expect(ui.locator("#site-notice-maintenance")).to_have_count(0)
