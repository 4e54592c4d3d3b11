"""annual update: agency annual rule and time zone, submittal kind, 30-day change items,
sent reminders

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (generated columns may use sqlmodel's string type)
from alembic import op

import cers_app.core.db


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annual_rule', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default='date'))
        batch_op.add_column(sa.Column('annual_month', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('annual_day', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default='America/Los_Angeles'))

    with op.batch_alter_table('facility_submittal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='change'))

    op.create_table('change_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('detected_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('resolved_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_item_facility_id'), ['facility_id'], unique=False)

    op.create_table('sent_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('sent_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'facility_id', 'due_date', 'threshold')
    )
    with op.batch_alter_table('sent_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_reminder_facility_id'), ['facility_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_reminder_facility_id'))
    op.drop_table('sent_reminder')
    with op.batch_alter_table('change_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_item_facility_id'))
    op.drop_table('change_item')
    with op.batch_alter_table('facility_submittal', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('annual_day')
        batch_op.drop_column('annual_month')
        batch_op.drop_column('annual_rule')
