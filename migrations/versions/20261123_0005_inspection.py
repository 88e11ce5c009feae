"""inspection: model registry, active model per factory and product, inspected images

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inspection_model_versions',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.Enum('classifier', 'yolov5', 'yolov8', name='inspection_model_kind', native_enum=False, length=32), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_bytes', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_inspection_model_versions_created_by_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_inspection_model_versions_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_model_versions')),
    sa.UniqueConstraint('organisation_id', 'name', 'version', name=op.f('uq_inspection_model_versions_organisation_id_name_version'))
    )
    with op.batch_alter_table('inspection_model_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_model_versions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('inspection_images',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('uploaded_by', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'inspected', 'failed', name='inspection_image_status', native_enum=False, length=32), nullable=False),
    sa.Column('model_version_id', sa.Uuid(), nullable=True),
    sa.Column('model_name', sa.String(length=100), nullable=True),
    sa.Column('model_sha256', sa.String(length=64), nullable=True),
    sa.Column('defective', sa.Boolean(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('detections', sa.JSON(), nullable=False),
    sa.Column('defect_counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('inspected_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counted_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_inspection_images_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['model_version_id'], ['inspection_model_versions.id'], name=op.f('fk_inspection_images_model_version_id_inspection_model_versions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_inspection_images_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_inspection_images_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_images'))
    )
    with op.batch_alter_table('inspection_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_images_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_images_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_images_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('inspection_model_activations',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('model_version_id', sa.Uuid(), nullable=False),
    sa.Column('activated_by', sa.Uuid(), nullable=False),
    sa.Column('activated_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activated_by'], ['users.id'], name=op.f('fk_inspection_model_activations_activated_by_users')),
    sa.ForeignKeyConstraint(['model_version_id'], ['inspection_model_versions.id'], name=op.f('fk_inspection_model_activations_model_version_id_inspection_model_versions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_inspection_model_activations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_model_activations')),
    sa.UniqueConstraint('organisation_id', 'product', name=op.f('uq_inspection_model_activations_organisation_id_product'))
    )
    with op.batch_alter_table('inspection_model_activations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_model_activations_model_version_id'), ['model_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_model_activations_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inspection_model_activations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_model_activations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_model_activations_model_version_id'))

    op.drop_table('inspection_model_activations')
    with op.batch_alter_table('inspection_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_images_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_images_lot_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_images_buyer_org_id'))

    op.drop_table('inspection_images')
    with op.batch_alter_table('inspection_model_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_model_versions_organisation_id'))

    op.drop_table('inspection_model_versions')
