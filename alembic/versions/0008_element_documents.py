"""element documents: a document slot's answer per element version, and its uploaded files

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (generated columns may use sqlmodel's string type)
from alembic import op

import cers_app.core.db


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('element_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('element_version_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('source', sa.Integer(), nullable=False),
    sa.Column('exempt_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('provided_on', sa.Date(), nullable=True),
    sa.Column('other_element', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('stored_at_cers_id', sa.Integer(), nullable=True),
    sa.Column('created_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['element_version_id'], ['element_version.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('element_version_id', 'slot')
    )
    with op.batch_alter_table('element_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_element_document_facility_id'), ['facility_id'], unique=False)

    op.create_table('element_document_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('element_version_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('date_authored', sa.Date(), nullable=True),
    sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', cers_app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['element_document.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['element_version_id'], ['element_version.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('element_document_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_element_document_file_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_element_document_file_element_version_id'), ['element_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_element_document_file_stored_file_id'), ['stored_file_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('element_document_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_element_document_file_stored_file_id'))
        batch_op.drop_index(batch_op.f('ix_element_document_file_element_version_id'))
        batch_op.drop_index(batch_op.f('ix_element_document_file_document_id'))

    op.drop_table('element_document_file')
    with op.batch_alter_table('element_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_element_document_facility_id'))

    op.drop_table('element_document')
