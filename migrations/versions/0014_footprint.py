"""Travel footprint: where delegates travel from and how, versioned conversion factor
sets (the bundled DESNZ set is loaded here), each event's choices, trip figures and
their running totals

Revision ID: 0012_footprint
Revises: 0012_dash
Create Date: 2026-12-07 04:14:24.171825

"""
import json
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012_footprint'
down_revision = '0012_dash'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('footprint_factor_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('loaded_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footprint_factor_sets')),
    sa.UniqueConstraint('year', 'version', name=op.f('uq_footprint_factor_sets_year_version'))
    )
    op.create_table('footprint_factors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('band', sa.String(length=12), nullable=False),
    sa.Column('cabin', sa.String(length=12), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('value_rf', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['set_id'], ['footprint_factor_sets.id'], name=op.f('fk_footprint_factors_set_id_footprint_factor_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footprint_factors')),
    sa.UniqueConstraint('set_id', 'mode', 'band', 'cabin', 'country', name=op.f('uq_footprint_factors_set_id_mode_band_cabin_country'))
    )
    with op.batch_alter_table('footprint_factors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_footprint_factors_set_id'), ['set_id'], unique=False)

    op.create_table('footprint_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('factor_set_id', sa.Integer(), nullable=True),
    sa.Column('radiative_forcing', sa.Boolean(), nullable=False),
    sa.Column('destination', sa.String(length=120), nullable=False),
    sa.Column('contribution_per_tonne', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('recompute_requested_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_footprint_settings_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['factor_set_id'], ['footprint_factor_sets.id'], name=op.f('fk_footprint_settings_factor_set_id_footprint_factor_sets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footprint_settings')),
    sa.UniqueConstraint('event_id', name=op.f('uq_footprint_settings_event_id'))
    )
    op.create_table('footprint_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=12), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('trips', sa.Integer(), nullable=False),
    sa.Column('declared', sa.Integer(), nullable=False),
    sa.Column('total_g', sa.BigInteger(), nullable=False),
    sa.Column('low_g', sa.BigInteger(), nullable=False),
    sa.Column('high_g', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_footprint_totals_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footprint_totals')),
    sa.UniqueConstraint('event_id', 'dimension', 'key', name=op.f('uq_footprint_totals_event_id_dimension_key'))
    )
    op.create_table('footprint_trips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('main_mode', sa.String(length=12), nullable=False),
    sa.Column('declared', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=200), nullable=False),
    sa.Column('legs', sa.JSON(), nullable=False),
    sa.Column('return_trip', sa.Boolean(), nullable=False),
    sa.Column('nights', sa.Integer(), nullable=False),
    sa.Column('hotel_country', sa.String(length=2), nullable=False),
    sa.Column('distance_km', sa.Integer(), nullable=False),
    sa.Column('air_g', sa.BigInteger(), nullable=False),
    sa.Column('rail_g', sa.BigInteger(), nullable=False),
    sa.Column('bus_g', sa.BigInteger(), nullable=False),
    sa.Column('car_g', sa.BigInteger(), nullable=False),
    sa.Column('hotel_g', sa.BigInteger(), nullable=False),
    sa.Column('total_g', sa.BigInteger(), nullable=False),
    sa.Column('low_g', sa.BigInteger(), nullable=False),
    sa.Column('high_g', sa.BigInteger(), nullable=False),
    sa.Column('radiative_forcing', sa.Boolean(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_footprint_trips_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_footprint_trips_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footprint_trips')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_footprint_trips_registration_id'))
    )
    with op.batch_alter_table('footprint_trips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_footprint_trips_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('travel_origin', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('travel_legs', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('travel_return', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('travel_origin', server_default=None)
        batch_op.alter_column('travel_legs', server_default=None)
        batch_op.alter_column('travel_return', server_default=None)

    _load_bundled_factors()


# The data file as this revision shipped it; later sets are loaded with `flask footprint-factors`.
DATA_FILE = Path(__file__).resolve().parents[2] / "app" / "footprint" / "data" / "desnz-2023.json"
PARAM_KEYS = ("air_distance_uplift", "bands", "uncertainty", "hotel_default", "notes", "publisher")


def _load_bundled_factors():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    sets = sa.table('footprint_factor_sets', sa.column('id', sa.Integer), sa.column('year', sa.Integer),
                    sa.column('version', sa.Integer), sa.column('source', sa.String),
                    sa.column('document', sa.Text), sa.column('url', sa.String), sa.column('unit', sa.String),
                    sa.column('params', sa.JSON), sa.column('loaded_at', UTCDateTime()))
    factors = sa.table('footprint_factors', sa.column('set_id', sa.Integer), sa.column('mode', sa.String),
                       sa.column('band', sa.String), sa.column('cabin', sa.String), sa.column('country', sa.String),
                       sa.column('value', sa.Float), sa.column('value_rf', sa.Float), sa.column('unit', sa.String))
    bind = op.get_bind()
    set_id = bind.execute(sets.insert().values(
        year=data["year"], version=data.get("version", 1), source=data["source"], document=data.get("document", ""),
        url=data.get("url", ""), unit=data.get("unit", "kg CO2e"),
        params={k: data[k] for k in PARAM_KEYS if k in data},
        loaded_at=datetime.now(timezone.utc)).returning(sets.c.id)).scalar_one()
    bind.execute(factors.insert(), [
        {"set_id": set_id, "mode": row["mode"], "band": row.get("band") or "", "cabin": row.get("cabin") or "",
         "country": row.get("country") or "", "value": row["value"], "value_rf": row.get("value_rf"),
         "unit": row["unit"]} for row in data["factors"]])


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('travel_return')
        batch_op.drop_column('travel_legs')
        batch_op.drop_column('travel_origin')

    with op.batch_alter_table('footprint_trips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_footprint_trips_event_id'))

    op.drop_table('footprint_trips')
    op.drop_table('footprint_totals')
    op.drop_table('footprint_settings')
    with op.batch_alter_table('footprint_factors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_footprint_factors_set_id'))

    op.drop_table('footprint_factors')
    op.drop_table('footprint_factor_sets')
