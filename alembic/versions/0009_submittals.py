"""submittals: the Submit press and its certification; version lineage and change level

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (generated columns may use sqlmodel's string type)
from alembic import op

import cers_app.core.db


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('facility_submittal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_user_id', sa.Integer(), nullable=False),
    sa.Column('submitter_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('certifier_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('certifier_title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('certification_statement', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('facility_submittal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facility_submittal_facility_id'), ['facility_id'], unique=False)

    with op.batch_alter_table('element_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('based_on_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submittal_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('change_level', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_element_version_submittal_id'), ['submittal_id'], unique=False)
        batch_op.create_foreign_key('fk_element_version_based_on', 'element_version', ['based_on_version_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_element_version_submittal', 'facility_submittal', ['submittal_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key('fk_element_version_previous', 'element_version', ['previous_version_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('element_version', schema=None) as batch_op:
        batch_op.drop_constraint('fk_element_version_previous', type_='foreignkey')
        batch_op.drop_constraint('fk_element_version_submittal', type_='foreignkey')
        batch_op.drop_constraint('fk_element_version_based_on', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_element_version_submittal_id'))
        batch_op.drop_column('change_level')
        batch_op.drop_column('previous_version_id')
        batch_op.drop_column('submittal_id')
        batch_op.drop_column('based_on_version_id')

    with op.batch_alter_table('facility_submittal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facility_submittal_facility_id'))

    op.drop_table('facility_submittal')
