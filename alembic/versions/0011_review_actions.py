"""review actions: the regulator's statuses and comments on submitted element versions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (generated columns may use sqlmodel's string type)
from alembic import op

import cers_app.core.db


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('review_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.Integer(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1500), nullable=False),
    sa.Column('acted_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewer_user_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_name', sqlmodel.sql.sqltypes.AutoString(length=101), nullable=False),
    sa.Column('reviewer_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('recorded_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('comment_edited_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_due_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewer_user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['element_version.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_action_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_action_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_action_version_id'))
        batch_op.drop_index(batch_op.f('ix_review_action_facility_id'))
    op.drop_table('review_action')
