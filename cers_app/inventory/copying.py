"""Copying an inventory version's rows into a new draft, and the rule settings of a version.

Used when a draft starts as a copy of an earlier submittal (`submittals.drafts`); the copies
are validated again with today's rules and the agency's current settings.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, select

from cers_app.core import clock
from cers_app.facilities.models import ElementVersion
from cers_app.facilities.service import element_slot
from cers_app.inventory import findings
from cers_app.inventory.models import InventoryItem
from cers_app.inventory.rules import RuleSettings
from cers_app.inventory.thresholds import LocalThresholds

HMI = 2


def version_settings(
    session: Session, version: ElementVersion
) -> tuple[RuleSettings, LocalThresholds]:
    """The rule settings and local thresholds of the agency regulating the version's
    inventory element now (else the agency it was created under)."""
    assert version.facility_id is not None
    agency_id = element_slot(session, version.facility_id, HMI).agency_id or version.agency_id
    return findings.settings_for(session, agency_id)


def duplicate(
    item: InventoryItem, version_id: int, user_id: int | None, now: dt.datetime
) -> InventoryItem:
    """A new row of version `version_id` with `item`'s values (not yet added)."""
    copy = InventoryItem(
        facility_id=item.facility_id,
        element_version_id=version_id,
        chemical_id=item.chemical_id,
        created_at=now,
        created_by_user_id=user_id,
        updated_at=now,
        updated_by_user_id=user_id,
    )
    findings.sync_columns(copy, findings.full(item.data))
    return copy


def copy_rows(
    session: Session, user_id: int | None, source_id: int | None, draft: ElementVersion
) -> int:
    """Copy every row of version `source_id` (None: none) into `draft`, then validate the
    draft's rows again. Returns how many rows were copied."""
    assert draft.id is not None
    now = clock.now()
    copied = 0
    if source_id is not None:
        for item in session.exec(
            select(InventoryItem)
            .where(InventoryItem.element_version_id == source_id)
            .order_by(sa.asc(InventoryItem.id))
        ):
            session.add(duplicate(item, draft.id, user_id, now))
            copied += 1
        session.flush()
    settings, local = version_settings(session, draft)
    findings.recompute_version(session, draft.id, settings, local)
    return copied
