"""report jobs: PDFs asked for in the portal, made in the background under a lease

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (generated columns may use sqlmodel's string type)
from alembic import op

import cers_app.core.db


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('report_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('portal', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=True),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('lease_until', cers_app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_job_status'), ['status'], unique=False)
        batch_op.create_index('ix_report_job_user_created', ['user_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_job', schema=None) as batch_op:
        batch_op.drop_index('ix_report_job_user_created')
        batch_op.drop_index(batch_op.f('ix_report_job_status'))

    op.drop_table('report_job')
