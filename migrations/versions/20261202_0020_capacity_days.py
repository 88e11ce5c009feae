"""capacity in time: resource calendars, resource-days with their bookings, per-day slots

Revision ID: 0020
Revises: 0035
Create Date: 2026-12-02 14:00:00.000000

A resource works on the ISO weekdays of its calendar (all seven for existing resources). Its
capacity is per day (resource_days: the largest daily rate of the active offers that sell
the day) and every allocation books the days it produces on (allocation_days), checked by
CHECK booked <= capacity. Existing data is carried over: each active offer's days are
created, and each active allocation is laid out from its slot's first day over its offer's
free days, earliest first; its slot then ends on its last booked day. Work that was sold
twice before this revision cannot be booked twice: what does not fit stays unbooked.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0020'
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_weekdays', sa.JSON(), server_default='[1, 2, 3, 4, 5, 6, 7]', nullable=False))

    op.create_table('resource_days',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('capacity', sa.BigInteger(), nullable=False),
    sa.Column('booked', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('booked <= capacity', name=op.f('ck_resource_days_booked_within_capacity')),
    sa.CheckConstraint('booked >= 0', name=op.f('ck_resource_days_booked_non_negative')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_resource_days_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_days_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_days')),
    sa.UniqueConstraint('resource_id', 'day', name=op.f('uq_resource_days_resource_id_day'))
    )
    with op.batch_alter_table('resource_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_days_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_days_resource_id'), ['resource_id'], unique=False)

    op.create_table('allocation_days',
    sa.Column('allocation_id', sa.Uuid(), nullable=False),
    sa.Column('offer_id', sa.Uuid(), nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_org_id', sa.Uuid(), nullable=False),
    sa.Column('factory_org_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('use', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_allocation_days_quantity_non_negative')),
    sa.CheckConstraint('use > 0', name=op.f('ck_allocation_days_use_positive')),
    sa.ForeignKeyConstraint(['allocation_id'], ['allocations.id'], name=op.f('fk_allocation_days_allocation_id_allocations')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_allocation_days_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['factory_org_id'], ['organisations.id'], name=op.f('fk_allocation_days_factory_org_id_organisations')),
    sa.ForeignKeyConstraint(['offer_id'], ['capacity_offers.id'], name=op.f('fk_allocation_days_offer_id_capacity_offers')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_allocation_days_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_days')),
    sa.UniqueConstraint('allocation_id', 'day', name=op.f('uq_allocation_days_allocation_id_day'))
    )
    with op.batch_alter_table('allocation_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_days_allocation_id'), ['allocation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_days_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_days_factory_org_id'), ['factory_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_days_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index('ix_allocation_days_resource_day', ['resource_id', 'day'], unique=False)

    _carry_over()


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _carry_over() -> None:
    """Resource-days from the active offers, per-day slots for the active allocations."""
    bind = op.get_bind()
    meta = sa.MetaData()
    offers = sa.Table('capacity_offers', meta, autoload_with=bind)
    allocations = sa.Table('allocations', meta, autoload_with=bind)
    resource_days = sa.Table('resource_days', meta, autoload_with=bind)
    allocation_days = sa.Table('allocation_days', meta, autoload_with=bind)
    now = datetime.now(UTC)
    capacity: dict[tuple[uuid.UUID, date], int] = defaultdict(int)
    owner: dict[uuid.UUID, uuid.UUID] = {}
    offer_rows = {row.id: row for row in bind.execute(sa.select(offers))}
    for offer in offer_rows.values():
        if offer.status != 'active':
            continue
        owner[offer.resource_id] = offer.organisation_id
        for day in _days(offer.window_start, offer.window_end):
            capacity[(offer.resource_id, day)] = max(capacity[(offer.resource_id, day)], offer.capacity_per_day)
    booked: dict[tuple[uuid.UUID, date], int] = defaultdict(int)
    own: dict[tuple[uuid.UUID, date], int] = defaultdict(int)
    slots = []
    active = bind.execute(sa.select(allocations).where(allocations.c.status.in_(('proposed', 'accepted'))).order_by(allocations.c.slot_start, allocations.c.id))
    for allocation in active:
        offer = offer_rows[allocation.offer_id]
        left = allocation.capacity_used
        first = max(allocation.slot_start.date(), offer.window_start)
        laid = []
        for day in _days(first, offer.window_end):
            key = (offer.resource_id, day)
            take = min(left, offer.capacity_per_day - own[(offer.id, day)], capacity.get(key, 0) - booked[key])
            if take > 0:
                laid.append((day, take))
                booked[key] += take
                own[(offer.id, day)] += take
                left -= take
            if left <= 0:
                break
        pieces = allocation.quantity
        for day, use in laid:
            made = min(pieces, use * offer.units_per_hour if offer.capacity_unit == 'hour' else use)
            pieces -= made
            slots.append({'id': uuid.uuid4(), 'created_at': now, 'allocation_id': allocation.id, 'offer_id': offer.id, 'resource_id': offer.resource_id,
                          'buyer_org_id': allocation.buyer_org_id, 'factory_org_id': allocation.factory_org_id, 'day': day, 'use': use, 'quantity': made})
        if laid:
            bind.execute(sa.update(allocations).where(allocations.c.id == allocation.id).values(
                slot_start=datetime.combine(laid[0][0], time.min, UTC), slot_end=datetime.combine(laid[-1][0], time.max, UTC)))
    rows = [{'id': uuid.uuid4(), 'created_at': now, 'organisation_id': owner[resource], 'resource_id': resource, 'day': day,
             'capacity': amount, 'booked': booked.get((resource, day), 0)} for (resource, day), amount in capacity.items()]
    if rows:
        bind.execute(resource_days.insert(), rows)
    if slots:
        bind.execute(allocation_days.insert(), slots)


def downgrade() -> None:
    with op.batch_alter_table('allocation_days', schema=None) as batch_op:
        batch_op.drop_index('ix_allocation_days_resource_day')
        batch_op.drop_index(batch_op.f('ix_allocation_days_offer_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_days_factory_org_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_days_buyer_org_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_days_allocation_id'))
    op.drop_table('allocation_days')
    with op.batch_alter_table('resource_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_days_resource_id'))
        batch_op.drop_index(batch_op.f('ix_resource_days_organisation_id'))
    op.drop_table('resource_days')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('working_weekdays')
