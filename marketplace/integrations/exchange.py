"""File exchange: capacity offers, orders and progress as CSV or Excel (openpyxl).

Imports go through the marketplace services (publish_offer, place_order, report_progress),
so a file obeys the same rules as the API. Every row is validated; any bad row rejects the
whole file (the caller's one transaction is rolled back) and the error lists each problem
as `/rows/<row number>/<column>` (row 1 is the header). Codes of external systems are
resolved through the code mapping (`system` + code -> master id).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from capool.errors import DomainError, FieldError, InvalidInput
from capool.progress import Progress, silent
from capool.tenancy.actor import Actor, Permission
from capool.tenancy.policy import scoped
from marketplace import allocations, capacity, orders
from marketplace.integrations import mapping
from marketplace.models import Allocation, CapacityOffer, Order, ProgressReport
from marketplace.schemas import OfferIn, OrderIn, ProgressIn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10_000
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Kind:
    name: str
    schema: type
    columns: tuple[str, ...]  # import columns (export writes these plus EXPORT_EXTRA)
    lists: tuple[str, ...] = ()
    export_extra: tuple[str, ...] = ()
    code_columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # code column -> (mapping kind, target column)


KINDS: dict[str, Kind] = {
    "offers": Kind("offers", OfferIn, (
        "resource_id", "process", "window_start", "window_end", "capacity_per_day", "unit_price_minor", "currency", "capacity_unit",
        "units_per_hour", "materials", "min_batch", "lead_time_days", "visibility"), lists=("materials",),
        export_extra=("id", "status", "total_capacity", "reserved"), code_columns={"resource_code": ("resource", "resource_id")}),
    "orders": Kind("orders", OrderIn, (
        "reference", "product", "process", "quantity", "due_at", "currency", "material", "operations", "certifications", "urgency",
        "cost_sensitivity", "max_unit_price_minor", "split_allowed", "aql", "min_quality_score", "submit"),
        lists=("operations", "certifications"), export_extra=("id", "status"), code_columns={"product_code": ("product", "product")}),
    "progress": Kind("progress", ProgressIn, (
        "allocation_id", "operation", "step", "quantity", "operator", "resource_id", "occurred_at"),
        export_extra=("id", "order_id", "order_reference"),
        code_columns={"resource_code": ("resource", "resource_id")}),
}
# Progress rows may name the allocation through the customer's code and the order reference.
PROGRESS_LOOKUP = ("customer_code", "order_reference")
META_COLUMNS = ("system",)
DATETIME_COLUMNS = ("due_at", "occurred_at")


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise InvalidInput.at("/kind", f"kind must be one of {', '.join(KINDS)}")
    return KINDS[name]


# --- reading ---------------------------------------------------------------------------

def _cell(value: Any) -> Any:
    if isinstance(value, datetime):  # Excel dates are naive; the sheet's times are read as UTC
        if value.tzinfo is None and value.time() == datetime.min.time():
            return value.date().isoformat()
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_table(content: bytes, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) for every non-empty data row."""
    if fmt == "json":  # {"rows": [{column: value}, ...]}: the same rows without a file
        try:
            document = json.loads(content)
        except ValueError as exc:
            raise InvalidInput.at("/rows", f"not JSON: {exc}") from exc
        items = document.get("rows") if isinstance(document, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InvalidInput.at("/rows", "send {\"rows\": [{column: value}, ...]}")
        table = [(n, {str(k): _cell(v) for k, v in item.items()}) for n, item in enumerate(items, start=2)]
        if len(table) > MAX_ROWS:
            raise InvalidInput.at("/rows", f"at most {MAX_ROWS} rows per file")
        return _without_nul(table)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 (zip / xml errors of every kind)
            raise InvalidInput.at("/file", f"not a readable .xlsx workbook: {exc}") from exc
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput.at("/file", "a CSV file must be UTF-8") from exc
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InvalidInput.at("/rows/1", "the file is empty (a header row is required)")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    table = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
        if any(v is not None for v in cells.values()):
            table.append((number, cells))
    if len(table) > MAX_ROWS:
        raise InvalidInput.at("/rows", f"at most {MAX_ROWS} rows per file")
    return _without_nul(table)


def _without_nul(table: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    # A file's bytes pass the request's edge checks untouched; PostgreSQL text cannot hold NUL.
    nul = [FieldError(f"/rows/{number}/{column}", "must not contain NUL characters")
           for number, cells in table for column, value in cells.items() if isinstance(value, str) and "\x00" in value]
    if nul:
        raise InvalidInput("the file contains NUL characters; nothing was imported", nul)
    return table


def _check_header(kind: Kind, header: set[str]) -> list[FieldError]:
    allowed = set(kind.columns) | set(kind.export_extra) | set(kind.code_columns) | set(META_COLUMNS)
    if kind.name == "progress":
        allowed |= set(PROGRESS_LOOKUP)
    return [FieldError(f"/rows/1/{name}", f"unknown column {name!r}") for name in sorted(header - allowed)]


def _pointer(row: int, exc: msgspec.ValidationError) -> FieldError:
    message = str(exc)
    column = ""
    if "at `$." in message:
        column = message.split("at `$.", 1)[1].split("`", 1)[0].split("[", 1)[0]
        message = message.split(" - at `", 1)[0]
    elif "missing required field" in message.lower():
        column = message.split("`")[1] if "`" in message else ""
    return FieldError(f"/rows/{row}/{column}" if column else f"/rows/{row}", message)


# --- importing -------------------------------------------------------------------------

async def import_file(session: AsyncSession, actor: Actor, kind_name: str, content: bytes, fmt: str, system: str | None = None,
                      progress: Progress = silent) -> list[uuid.UUID]:
    """Import every row or none: raises InvalidInput listing every bad row (the caller's
    transaction must then roll back, which the API, the drop folder and the command do).
    `progress` hears each row."""
    kind = kind_of(kind_name)
    actor.require({"offers": Permission.CAPACITY_WRITE, "orders": Permission.ORDERS_WRITE, "progress": Permission.PROGRESS_WRITE}[kind.name])
    table = read_table(content, fmt)
    header = set().union(*(cells.keys() for _, cells in table)) if table else set()
    errors = _check_header(kind, header)
    if errors:
        raise InvalidInput("the file has columns this import does not know", errors)
    created: list[uuid.UUID] = []
    progress(f"{kind.name} rows", 0, len(table))
    for done, (number, cells) in enumerate(table, start=1):
        try:
            created.append(await _import_row(session, actor, kind, number, cells, system))
        except _RowErrors as exc:
            errors.extend(exc.errors)
        except DomainError as exc:
            if exc.errors:
                errors.extend(FieldError(f"/rows/{number}{e.path if e.path.startswith('/') else '/' + e.path}", e.message) for e in exc.errors)
            else:
                errors.append(FieldError(f"/rows/{number}", exc.detail))
        progress(f"{kind.name} rows", done, len(table))
    if errors:
        rows = sorted({int(e.path.split("/")[2]) for e in errors})
        raise InvalidInput(f"{len(rows)} of {len(table)} rows are invalid (rows {', '.join(map(str, rows[:50]))}); nothing was imported", errors,
                           code="import_rejected")
    if not table:
        raise InvalidInput.at("/rows", "the file has a header but no rows")
    return created


class _RowErrors(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors


async def _import_row(session: AsyncSession, actor: Actor, kind: Kind, number: int, cells: dict[str, Any], default_system: str | None) -> uuid.UUID:
    system = cells.pop("system", None) or default_system
    values = {k: v for k, v in cells.items() if k in kind.columns and v is not None}
    errors: list[FieldError] = []
    for column in DATETIME_COLUMNS:
        if isinstance(values.get(column), str) and len(values[column]) == 10:
            values[column] += "T00:00:00+00:00"
    for column in kind.lists:
        if isinstance(values.get(column), str):
            values[column] = [part.strip() for part in values[column].split(LIST_SEPARATOR) if part.strip()]
    for code_column, (map_kind, target) in kind.code_columns.items():
        code = cells.get(code_column)
        if code is None or target in values:
            continue
        resolved = await mapping.lookup(session, actor, system or "", map_kind, str(code)) if system else None
        if resolved is None:
            errors.append(FieldError(f"/rows/{number}/{code_column}", f"no mapping for {map_kind} code {code!r} of system {system!r}"))
        else:
            values[target] = resolved
    if kind.name == "progress" and "allocation_id" not in values:
        allocation_id = await _progress_allocation(session, actor, number, cells, system, errors)
        if allocation_id:
            values["allocation_id"] = allocation_id
    if errors:
        raise _RowErrors(errors)
    allocation_id = values.pop("allocation_id", None) if kind.name == "progress" else None
    if kind.name == "progress" and allocation_id is None:
        raise _RowErrors([FieldError(f"/rows/{number}/allocation_id", "allocation_id (or customer_code + order_reference) is required")])
    try:
        data = msgspec.convert(values, kind.schema, strict=False)
    except msgspec.ValidationError as exc:
        raise _RowErrors([_pointer(number, exc)]) from exc
    if kind.name == "offers":
        return (await capacity.publish_offer(session, actor, data)).id
    if kind.name == "orders":
        return (await orders.place_order(session, actor, data)).id
    try:
        ident = uuid.UUID(str(allocation_id))
    except ValueError as exc:
        raise _RowErrors([FieldError(f"/rows/{number}/allocation_id", "not a valid id")]) from exc
    return (await allocations.report_progress(session, actor, ident, data)).id


async def _progress_allocation(session: AsyncSession, actor: Actor, number: int, cells: dict[str, Any], system: str | None,
                               errors: list[FieldError]) -> str | None:
    customer, reference = cells.get("customer_code"), cells.get("order_reference")
    if customer is None or reference is None:
        return None
    buyer = await mapping.lookup(session, actor, system or "", "organisation", str(customer)) if system else None
    if buyer is None:
        errors.append(FieldError(f"/rows/{number}/customer_code", f"no mapping for customer code {customer!r} of system {system!r}"))
        return None
    statement = scoped(select(Allocation.id), actor, Allocation).join(Order, Order.id == Allocation.order_id).where(
        Allocation.factory_org_id == actor.organisation_id, Order.buyer_org_id == uuid.UUID(buyer), Order.reference == str(reference))
    found = list((await session.execute(statement.limit(2))).scalars())
    if len(found) != 1:
        errors.append(FieldError(f"/rows/{number}/order_reference",
                                 f"no allocation of this factory on order {reference!r}" if not found else f"order {reference!r} has several allocations here; give allocation_id"))
        return None
    return str(found[0])


# --- exporting -------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


async def export_rows(session: AsyncSession, actor: Actor, kind_name: str) -> tuple[list[str], list[list[Any]]]:
    """The caller's own offers / orders, or the progress it may read, in import column order."""
    kind = kind_of(kind_name)
    columns = [*kind.export_extra, *kind.columns]
    if kind.name == "offers":
        actor.require(Permission.CAPACITY_READ)
        statement = scoped(select(CapacityOffer), actor, CapacityOffer).where(CapacityOffer.organisation_id == actor.organisation_id).order_by(CapacityOffer.created_at)
    elif kind.name == "orders":
        actor.require(Permission.ORDERS_READ)
        statement = scoped(select(Order), actor, Order).where(Order.buyer_org_id == actor.organisation_id).order_by(Order.created_at)
    else:
        actor.require(Permission.ORDERS_READ)
        statement = scoped(select(ProgressReport, Order.reference), actor, ProgressReport).join(Order, Order.id == ProgressReport.order_id).order_by(ProgressReport.occurred_at)
    result = (await session.execute(statement.limit(MAX_ROWS))).all()
    rows = []
    for record in result:
        row = record[0]
        extra = {"order_reference": record[1]} if kind.name == "progress" else {}
        rows.append([_plain(extra[c] if c in extra else getattr(row, c, None)) for c in columns])
    return columns, rows


def to_csv(columns: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(columns: list[str], rows: list[list[Any]], title: str = "export") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(errors: list[FieldError]) -> str:
    """A CSV of the problems (row, column, message), written next to a failed drop-folder file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "message"])
    for e in errors:
        parts = e.path.split("/")
        writer.writerow([parts[2] if len(parts) > 2 else "", parts[3] if len(parts) > 3 else "", e.message])
    return buffer.getvalue()
