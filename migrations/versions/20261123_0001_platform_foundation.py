"""platform foundation

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 08:38:09.121872
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alliances',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('admins_see_prices', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alliances')),
    sa.UniqueConstraint('name', name=op.f('uq_alliances_name'))
    )
    op.create_table('idempotency_records',
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_idempotency_records_scope_key'))
    )
    op.create_table('organisations',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('factory', 'buyer', 'both', name='org_kind', native_enum=False, length=32), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_organisations_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('alliance_id', 'name', name=op.f('uq_organisations_alliance_id_name'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_alliance_id'), ['alliance_id'], unique=False)

    op.create_table('orders',
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.Column('material', sa.String(length=100), nullable=True),
    sa.Column('operations', sa.JSON(), nullable=False),
    sa.Column('certifications', sa.JSON(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('due_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('urgency', sa.Enum('low', 'normal', 'high', 'urgent', name='urgency', native_enum=False, length=32), nullable=False),
    sa.Column('cost_sensitivity', sa.Enum('low', 'medium', 'high', name='cost_sensitivity', native_enum=False, length=32), nullable=False),
    sa.Column('max_unit_price_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('split_allowed', sa.Boolean(), nullable=False),
    sa.Column('aql', sa.Double(), nullable=False),
    sa.Column('min_quality_score', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'matching', 'allocated', 'confirmed', 'in_production', 'inspected', 'delivered', 'settled', 'cancelled', 'disputed', name='order_status', native_enum=False, length=32), nullable=False),
    sa.Column('delivered_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_orders_quantity_positive')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_orders_buyer_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('buyer_org_id', 'reference', name=op.f('uq_orders_buyer_org_id_reference'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_process'), ['process'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)

    op.create_table('outbox_events',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('aggregate_type', sa.String(length=50), nullable=False),
    sa.Column('aggregate_id', sa.Uuid(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('occurred_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_outbox_events_alliance_id_alliances')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_outbox_events_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events'))
    )
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_events_alliance_id'), ['alliance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_events_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_events_type'), ['type'], unique=False)
        batch_op.create_index('ix_outbox_events_unprocessed', ['processed_at', 'created_at'], unique=False)

    op.create_table('partnerships',
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('agreed_unit_price_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('reserved_share_pct', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reserved_share_pct BETWEEN 0 AND 100', name=op.f('ck_partnerships_share_is_percent')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_partnerships_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_partnerships_factory_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships')),
    sa.UniqueConstraint('buyer_org_id', 'factory_org_id', name=op.f('uq_partnerships_buyer_org_id_factory_org_id'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_factory_org_id'), ['factory_org_id'], unique=False)

    op.create_table('sites',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sites_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_sites_organisation_id_name'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('users',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('org_admin', 'supplier_operator', 'buyer', 'alliance_admin', 'auditor', name='user_role', native_enum=False, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('api_keys',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('revoked_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_api_keys_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_keys_user_id'), ['user_id'], unique=False)

    op.create_table('order_status_changes',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'submitted', 'matching', 'allocated', 'confirmed', 'in_production', 'inspected', 'delivered', 'settled', 'cancelled', 'disputed', name='order_status', native_enum=False, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'submitted', 'matching', 'allocated', 'confirmed', 'in_production', 'inspected', 'delivered', 'settled', 'cancelled', 'disputed', name='order_status', native_enum=False, length=32), nullable=False),
    sa.Column('actor_user_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('occurred_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_order_status_changes_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_status_changes_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_status_changes'))
    )
    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_status_changes_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_status_changes_order_id'), ['order_id'], unique=False)

    op.create_table('resources',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('machine', 'work_centre', 'crew', name='resource_kind', native_enum=False, length=32), nullable=False),
    sa.Column('processes', sa.JSON(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('certifications', sa.JSON(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('carbon_g_per_unit', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_resources_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_resources_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resources')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_resources_organisation_id_name'))
    )
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resources_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resources_site_id'), ['site_id'], unique=False)

    op.create_table('capacity_offers',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('capacity_unit', sa.Enum('piece', 'hour', name='capacity_unit', native_enum=False, length=32), nullable=False),
    sa.Column('capacity_per_day', sa.Integer(), nullable=False),
    sa.Column('units_per_hour', sa.Integer(), nullable=False),
    sa.Column('total_capacity', sa.BigInteger(), nullable=False),
    sa.Column('reserved', sa.BigInteger(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('min_batch', sa.Integer(), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Enum('private', 'partners', 'alliance', name='visibility', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('active', 'withdrawn', name='offer_status', native_enum=False, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reserved <= total_capacity', name=op.f('ck_capacity_offers_reserved_within_capacity')),
    sa.CheckConstraint('reserved >= 0', name=op.f('ck_capacity_offers_reserved_non_negative')),
    sa.CheckConstraint('window_end >= window_start', name=op.f('ck_capacity_offers_window_ordered')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_capacity_offers_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_capacity_offers_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capacity_offers'))
    )
    with op.batch_alter_table('capacity_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_offers_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_capacity_offers_process'), ['process'], unique=False)
        batch_op.create_index('ix_capacity_offers_process_status', ['process', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_capacity_offers_resource_id'), ['resource_id'], unique=False)

    op.create_table('allocations',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('offer_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('capacity_used', sa.BigInteger(), nullable=False),
    sa.Column('slot_start', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('slot_end', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('tier', sa.Enum('core', 'partner', 'floating', name='tier', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'declined', 'cancelled', name='allocation_status', native_enum=False, length=32), nullable=False),
    sa.Column('responded_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_allocations_quantity_positive')),
    sa.CheckConstraint('slot_end > slot_start', name=op.f('ck_allocations_slot_ordered')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_allocations_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_allocations_factory_org_id_organisations')),
    sa.ForeignKeyConstraint(['offer_id'], ['capacity_offers.id'], name=op.f('fk_allocations_offer_id_capacity_offers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_allocations_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations'))
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocations_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_factory_org_id'), ['factory_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_status'), ['status'], unique=False)

    op.create_table('progress_reports',
    sa.Column('allocation_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('operation', sa.String(length=100), nullable=False),
    sa.Column('step', sa.Enum('scan', 'done', 'confirm', name='progress_step', native_enum=False, length=32), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('operator', sa.String(length=200), nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=True),
    sa.Column('occurred_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_progress_reports_quantity_positive')),
    sa.ForeignKeyConstraint(['allocation_id'], ['allocations.id'], name=op.f('fk_progress_reports_allocation_id_allocations')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_progress_reports_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_progress_reports_factory_org_id_organisations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_progress_reports_order_id_orders')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_progress_reports_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_reports'))
    )
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_reports_allocation_id'), ['allocation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_reports_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_reports_factory_org_id'), ['factory_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_reports_order_id'), ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_reports_order_id'))
        batch_op.drop_index(batch_op.f('ix_progress_reports_factory_org_id'))
        batch_op.drop_index(batch_op.f('ix_progress_reports_buyer_org_id'))
        batch_op.drop_index(batch_op.f('ix_progress_reports_allocation_id'))

    op.drop_table('progress_reports')
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocations_status'))
        batch_op.drop_index(batch_op.f('ix_allocations_plan_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_order_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_offer_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_factory_org_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_buyer_org_id'))

    op.drop_table('allocations')
    with op.batch_alter_table('capacity_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capacity_offers_resource_id'))
        batch_op.drop_index('ix_capacity_offers_process_status')
        batch_op.drop_index(batch_op.f('ix_capacity_offers_process'))
        batch_op.drop_index(batch_op.f('ix_capacity_offers_organisation_id'))

    op.drop_table('capacity_offers')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resources_site_id'))
        batch_op.drop_index(batch_op.f('ix_resources_organisation_id'))

    op.drop_table('resources')
    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_status_changes_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_status_changes_buyer_org_id'))

    op.drop_table('order_status_changes')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_keys_organisation_id'))

    op.drop_table('api_keys')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_organisation_id'))

    op.drop_table('sites')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerships_factory_org_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_buyer_org_id'))

    op.drop_table('partnerships')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_unprocessed')
        batch_op.drop_index(batch_op.f('ix_outbox_events_type'))
        batch_op.drop_index(batch_op.f('ix_outbox_events_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_events_alliance_id'))

    op.drop_table('outbox_events')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_status'))
        batch_op.drop_index(batch_op.f('ix_orders_process'))
        batch_op.drop_index(batch_op.f('ix_orders_buyer_org_id'))

    op.drop_table('orders')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_alliance_id'))

    op.drop_table('organisations')
    op.drop_table('idempotency_records')
    op.drop_table('alliances')
