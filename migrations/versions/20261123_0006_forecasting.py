"""forecasting: forecast runs and points, telemetry readings, health alerts

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-23 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import capool.db

revision = '0006'
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('forecast_runs',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('granularity', sa.Enum('daily', 'weekly', name='forecast_granularity', native_enum=False, length=32), nullable=False),
    sa.Column('horizon', sa.Integer(), nullable=False),
    sa.Column('origin', sa.Date(), nullable=False),
    sa.Column('engine', sa.String(length=100), nullable=False),
    sa.Column('engine_version', sa.String(length=50), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('series_count', sa.Integer(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('horizon > 0', name=op.f('ck_forecast_runs_horizon_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_forecast_runs_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_runs'))
    )
    with op.batch_alter_table('forecast_runs', schema=None) as batch_op:
        batch_op.create_index('ix_forecast_runs_latest', ['organisation_id', 'granularity', 'is_latest'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_runs_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('forecast_points',
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('process', sa.String(length=100), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('model', sa.String(length=50), nullable=False),
    sa.Column('yhat', sa.Double(), nullable=False),
    sa.Column('lo_80', sa.Double(), nullable=False),
    sa.Column('hi_80', sa.Double(), nullable=False),
    sa.Column('lo_95', sa.Double(), nullable=False),
    sa.Column('hi_95', sa.Double(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('step > 0', name=op.f('ck_forecast_points_step_positive')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_forecast_points_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['run_id'], ['forecast_runs.id'], name=op.f('fk_forecast_points_run_id_forecast_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_points'))
    )
    with op.batch_alter_table('forecast_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_points_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_points_process'), ['process'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_points_run_id'), ['run_id'], unique=False)

    op.create_table('health_alerts',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('forecast_warning', 'equipment', 'traffic_light', name='alert_kind', native_enum=False, length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=True),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('resolved_at', capool.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_health_alerts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_health_alerts_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_alerts'))
    )
    with op.batch_alter_table('health_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_health_alerts_open', ['organisation_id', 'kind', 'resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_alerts_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_alerts_resource_id'), ['resource_id'], unique=False)

    op.create_table('telemetry_readings',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('resource_id', sa.Uuid(), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('current_a', sa.Double(), nullable=False),
    sa.Column('measured_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', capool.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_telemetry_readings_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_telemetry_readings_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_telemetry_readings'))
    )
    with op.batch_alter_table('telemetry_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_telemetry_readings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_telemetry_readings_resource_cycle', ['resource_id', 'cycle'], unique=False)
        batch_op.create_index(batch_op.f('ix_telemetry_readings_resource_id'), ['resource_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('telemetry_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_telemetry_readings_resource_id'))
        batch_op.drop_index('ix_telemetry_readings_resource_cycle')
        batch_op.drop_index(batch_op.f('ix_telemetry_readings_organisation_id'))

    op.drop_table('telemetry_readings')
    with op.batch_alter_table('health_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_alerts_resource_id'))
        batch_op.drop_index(batch_op.f('ix_health_alerts_organisation_id'))
        batch_op.drop_index('ix_health_alerts_open')

    op.drop_table('health_alerts')
    with op.batch_alter_table('forecast_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_points_run_id'))
        batch_op.drop_index(batch_op.f('ix_forecast_points_process'))
        batch_op.drop_index(batch_op.f('ix_forecast_points_organisation_id'))

    op.drop_table('forecast_points')
    with op.batch_alter_table('forecast_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_runs_organisation_id'))
        batch_op.drop_index('ix_forecast_runs_latest')

    op.drop_table('forecast_runs')
