"""reach indexes: an agency's facilities and the review queue read from indexes alone

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 20:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_facility_element_agency_facility",
        "facility_element",
        ["agency_id", "facility_id"],
        unique=False,
    )
    op.create_index(
        "ix_element_version_queue",
        "element_version",
        ["facility_id", "status", "submitted_at", "id", "element", "agency_id"],
        unique=False,
    )
    op.create_index(
        "ix_element_version_agency_queue",
        "element_version",
        ["agency_id", "status", "submitted_at", "id", "facility_id", "element"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_element_version_agency_queue", table_name="element_version")
    op.drop_index("ix_element_version_queue", table_name="element_version")
    op.drop_index("ix_facility_element_agency_facility", table_name="facility_element")
