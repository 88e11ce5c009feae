"""settlement ledger

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0003'
down_revision = "0005"
branch_labels = None
depends_on = None


def _base(name: str) -> list[sa.Column]:
    return [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('ledger_heads',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('ledger_id', sa.String(length=100), nullable=False),
    sa.Column('origin', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('head_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('updated_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    *_base('ledger_heads'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_heads_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_heads')),
    sa.UniqueConstraint('alliance_id', name=op.f('uq_ledger_heads_alliance_id')),
    sa.UniqueConstraint('ledger_id', name=op.f('uq_ledger_heads_ledger_id'))
    )
    op.create_table('ledger_entries',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('recorded_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('leaf_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('source_key', sa.String(length=120), nullable=False),
    *_base('ledger_entries'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_entries_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('alliance_id', 'seq', name=op.f('uq_ledger_entries_alliance_id_seq')),
    sa.UniqueConstraint('source_key', name=op.f('uq_ledger_entries_source_key'))
    )
    op.create_table('ledger_entry_parties',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    *_base('ledger_entry_parties'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_entry_parties_alliance_id_alliances')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_ledger_entry_parties_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry_parties')),
    sa.UniqueConstraint('alliance_id', 'seq', 'organisation_id', name=op.f('uq_ledger_entry_parties_alliance_id_seq_organisation_id'))
    )
    with op.batch_alter_table('ledger_entry_parties', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_parties_org_seq', ['organisation_id', 'alliance_id', 'seq'], unique=False)

    op.create_table('ledger_nodes',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('idx', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_nodes_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('alliance_id', 'level', 'idx', name=op.f('pk_ledger_nodes'))
    )
    op.create_table('ledger_checkpoints',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('issued_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    *_base('ledger_checkpoints'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_checkpoints_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checkpoints')),
    sa.UniqueConstraint('alliance_id', 'tree_size', name=op.f('uq_ledger_checkpoints_alliance_id_tree_size'))
    )
    op.create_table('ledger_log_keys',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('vkey', sa.String(length=300), nullable=False),
    sa.Column('valid_from', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', capool.db.UTCDateTime(timezone=True), nullable=True),
    *_base('ledger_log_keys'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_log_keys_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_log_keys')),
    sa.UniqueConstraint('alliance_id', 'generation', name=op.f('uq_ledger_log_keys_alliance_id_generation')),
    sa.UniqueConstraint('vkey', name=op.f('uq_ledger_log_keys_vkey'))
    )
    with op.batch_alter_table('ledger_log_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_log_keys_alliance_id'), ['alliance_id'], unique=False)

    op.create_table('organisation_keys',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('vkey', sa.String(length=300), nullable=False),
    sa.Column('valid_from', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', capool.db.UTCDateTime(timezone=True), nullable=True),
    *_base('organisation_keys'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_organisation_keys_alliance_id_alliances')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_keys_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_keys')),
    sa.UniqueConstraint('vkey', name=op.f('uq_organisation_keys_vkey'))
    )
    with op.batch_alter_table('organisation_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_keys_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('ledger_cosignatures',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('signed_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signature', sa.String(length=300), nullable=False),
    *_base('ledger_cosignatures'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_cosignatures_alliance_id_alliances')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_ledger_cosignatures_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_cosignatures')),
    sa.UniqueConstraint('alliance_id', 'seq', 'organisation_id', name=op.f('uq_ledger_cosignatures_alliance_id_seq_organisation_id'))
    )
    op.create_table('ledger_anchors',
    sa.Column('alliance_id', sa.Uuid(), nullable=False),
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('contract', sa.String(length=42), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('checkpoint_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    *_base('ledger_anchors'),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_ledger_anchors_alliance_id_alliances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_anchors')),
    sa.UniqueConstraint('alliance_id', 'chain_id', 'contract', 'position', name=op.f('uq_ledger_anchors_alliance_id_chain_id_contract_position'))
    )


def downgrade() -> None:
    for table in ('ledger_anchors', 'ledger_cosignatures', 'organisation_keys', 'ledger_log_keys', 'ledger_checkpoints',
                  'ledger_nodes', 'ledger_entry_parties', 'ledger_entries', 'ledger_heads'):
        op.drop_table(table)
