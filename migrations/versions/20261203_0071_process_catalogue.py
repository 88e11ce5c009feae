"""marketplace: each alliance's process catalogue, seeded from the processes in use

Revision ID: 0071_process_catalogue
Revises: 0070_escrow
Create Date: 2026-12-03 13:30:00.000000

Orders, offers, resources and process code mappings now name codes of their alliance's
catalogue. So that no stored row names a code its alliance does not know, every code in use
(orders, offers, resources, code mappings of kind "process", Catena-X demands, inspection
lots) joins the catalogue of the alliance of the organisation that uses it, named from the
table below or, failing that, after the code itself; alliance admins can rename it later by
retiring and adding it again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import capool.db

revision = "0071_process_catalogue"
down_revision = "0070_escrow"
branch_labels = None
depends_on = None

# Names of common processes (English, Simplified Chinese) for the codes found in use.
KNOWN_NAMES = {
    "screen_printing": ("Screen printing", "丝网印刷"),
    "dtg_printing": ("Direct-to-garment printing", "数码直喷印花"),
    "heat_transfer": ("Heat transfer printing", "热转印"),
    "embroidery": ("Embroidery", "刺绣"),
    "cut_and_sew": ("Cut and sew", "裁剪缝制"),
    "sewing": ("Sewing", "缝制"),
    "cutting": ("Cutting", "裁剪"),
    "packing": ("Packing", "包装"),
    "cnc_milling": ("CNC milling", "数控铣削"),
    "cnc_machining": ("CNC machining", "数控加工"),
    "stamping": ("Stamping", "冲压"),
    "injection_moulding": ("Injection moulding", "注塑成型"),
    "welding": ("Welding", "焊接"),
    "painting": ("Painting", "喷涂"),
    "assembly": ("Assembly", "装配"),
}

# (table, code column, organisation column): where processes are named today.
SOURCES = (
    ("orders", "process", "buyer_org_id"),
    ("capacity_offers", "process", "organisation_id"),
    ("dcm_material_demands", "process", "buyer_org_id"),
    ("quality_lots", "process", "factory_org_id"),
)


def _names(code: str) -> tuple[str, str]:
    if code in KNOWN_NAMES:
        return KNOWN_NAMES[code]
    readable = code.replace("_", " ").replace("-", " ").strip() or code
    readable = readable[:1].upper() + readable[1:]
    return readable, readable


def _codes_in_use(bind: sa.Connection) -> set[tuple[uuid.UUID, str]]:
    organisations = sa.table("organisations", sa.column("id", sa.Uuid()), sa.column("alliance_id", sa.Uuid()))
    found: set[tuple[uuid.UUID, str]] = set()
    for name, code_column, org_column in SOURCES:
        table = sa.table(name, sa.column(code_column, sa.String()), sa.column(org_column, sa.Uuid()))
        statement = (sa.select(organisations.c.alliance_id, table.c[code_column]).distinct()
                     .join(organisations, organisations.c.id == table.c[org_column]).where(table.c[code_column].is_not(None)))
        found |= {(alliance, code) for alliance, code in bind.execute(statement)}
    resources = sa.table("resources", sa.column("processes", sa.JSON()), sa.column("organisation_id", sa.Uuid()))
    rows = bind.execute(sa.select(organisations.c.alliance_id, resources.c.processes).join(organisations, organisations.c.id == resources.c.organisation_id))
    found |= {(alliance, code) for alliance, codes in rows for code in (codes or []) if isinstance(code, str)}
    mappings = sa.table("integration_code_mappings", sa.column("kind", sa.String()), sa.column("master_ref", sa.String()),
                        sa.column("organisation_id", sa.Uuid()))
    rows = bind.execute(sa.select(organisations.c.alliance_id, mappings.c.master_ref).distinct()
                        .join(organisations, organisations.c.id == mappings.c.organisation_id).where(mappings.c.kind == "process"))
    found |= {(alliance, code) for alliance, code in rows}
    return {(alliance, code) for alliance, code in found if code}


def upgrade() -> None:
    process_codes = op.create_table(
        "process_codes",
        sa.Column("alliance_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh_cn", sa.String(length=200), nullable=False),
        sa.Column("retired_at", capool.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", capool.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["alliance_id"], ["alliances.id"], name=op.f("fk_process_codes_alliance_id_alliances")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_codes")),
        sa.UniqueConstraint("alliance_id", "code", name=op.f("uq_process_codes_alliance_id_code")),
    )
    with op.batch_alter_table("process_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_codes_alliance_id"), ["alliance_id"], unique=False)

    now = datetime.now(UTC)
    rows = [{"id": uuid.uuid4(), "alliance_id": alliance, "code": code, "name_en": _names(code)[0][:200], "name_zh_cn": _names(code)[1][:200],
             "retired_at": None, "created_at": now} for alliance, code in sorted(_codes_in_use(op.get_bind()), key=lambda r: (str(r[0]), r[1]))]
    if rows:
        op.bulk_insert(process_codes, rows)


def downgrade() -> None:
    with op.batch_alter_table("process_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_codes_alliance_id"))
    op.drop_table("process_codes")
