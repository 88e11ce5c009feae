"""Supplier portal, quality and money: open an inspection lot for an allocation, report the
inspection results (counts by defect class) and images, see the ISO 2859-1 plan and the AQL
decision (quality.service, inspection.service); the monthly statement of earnings, payments
and escrow (settlement.invoice). The buyer of the lot reads the same lot page."""

from __future__ import annotations

import uuid

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal.access import requires
from api.portal.forms import convert
from api.portal.web import PREFIX, PageContext, field_errors, form_of, redirect, render, signed_in
from capool.clock import utcnow
from capool.errors import Conflict, InvalidInput, NotFound
from capool.tenancy.actor import Permission
from capool.tenancy.policy import scoped
from inspection import service as inspection_service
from marketplace import allocations as allocation_service
from marketplace import orders as order_service
from quality import service as quality_service
from quality.models import InspectionLot
from quality.schemas import LotIn, ResultsIn
from settlement import invoice

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
SEVERITIES = ("critical", "major", "minor")
RESULT_ROWS = 4


async def _quality(request: Request, db_session: AsyncSession) -> PageContext:
    ctx = await signed_in(request, db_session)
    ctx.actor.require(Permission.QUALITY_READ)  # type: ignore[union-attr]
    return ctx


async def lots_of(db_session: AsyncSession, ctx: PageContext, allocation_id: uuid.UUID) -> list[InspectionLot]:
    """The lots of an allocation the signed-in organisation may read (the tenancy policy's scope)."""
    statement = scoped(select(InspectionLot), ctx.actor, InspectionLot).where(InspectionLot.allocation_id == allocation_id)  # type: ignore[arg-type]
    return list((await db_session.execute(statement.order_by(InspectionLot.id))).scalars())


async def _allocation_page(ctx: PageContext, db_session: AsyncSession, allocation_id: uuid.UUID, status_code: int = 200,
                           errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    actor = ctx.actor
    assert actor is not None
    allocation = await allocation_service.get_allocation(db_session, actor, allocation_id)
    if actor.organisation_id not in (allocation.factory_org_id, allocation.buyer_org_id):
        raise NotFound("allocation", allocation_id)
    order = await order_service.get_order(db_session, actor, allocation.order_id)
    defaults = {"quantity": str(allocation.quantity - allocation.lot_quantity), "level": "II", "aql_major": f"{order.aql:g}", "aql_minor": "4", "aql_critical": "0"}
    return render(ctx, "supplier/lot_open.html", status_code, allocation=allocation, order=order, lots=await lots_of(db_session, ctx, allocation_id),
                  levels=LEVELS, errors=errors or {}, form=defaults | (form or {}),
                  can_open=allocation.factory_org_id == actor.organisation_id and ctx.can(Permission.QUALITY_WRITE))


@get("/supplier/allocations/{allocation_id:uuid}/inspection", name="portal:supplier-allocation-inspection", **requires(Permission.QUALITY_READ))
async def allocation_inspection(request: Request, db_session: NamedDependency[AsyncSession], allocation_id: FromPath[uuid.UUID]) -> Response:
    ctx = await _quality(request, db_session)
    return await _allocation_page(ctx, db_session, allocation_id)


@post("/supplier/allocations/{allocation_id:uuid}/lots", name="portal:supplier-lot-open", **requires(Permission.QUALITY_WRITE))
async def open_lot(request: Request, db_session: NamedDependency[AsyncSession], allocation_id: FromPath[uuid.UUID]) -> Response:
    ctx = await _quality(request, db_session)
    form = await form_of(ctx)
    try:
        data = convert(LotIn, {
            "allocation_id": str(allocation_id), "quantity": form.get("quantity", ""), "level": form.get("level") or "II",
            "aqls": {"critical": form.get("aql_critical") or 0, "major": form.get("aql_major") or None, "minor": form.get("aql_minor") or 4},
        })
        lot = await quality_service.create_lot(db_session, ctx.actor, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        errors = field_errors(exc, ctx.lang)
        if "aqls" in errors:
            errors["aql_" + next((p.path.split("/")[2] for p in exc.errors if p.path.startswith("/aqls/") and p.path.count("/") >= 2), "major")] = errors.pop("aqls")
        return await _allocation_page(ctx, db_session, allocation_id, 422, errors, form)
    except Conflict as exc:
        return await _allocation_page(ctx, db_session, allocation_id, 409, {"_": ctx.error(exc)}, form)
    return redirect(ctx, f"{PREFIX}/supplier/lots/{lot.id}")


async def _lot_page(ctx: PageContext, db_session: AsyncSession, lot_id: uuid.UUID, status_code: int = 200,
                    errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    actor = ctx.actor
    assert actor is not None
    lot = await quality_service.get_lot(db_session, actor, lot_id)
    order = await order_service.get_order(db_session, actor, lot.order_id)
    images = await inspection_service.lot_inspection(db_session, actor, lot_id)
    writes = lot.factory_org_id == actor.organisation_id and ctx.can(Permission.QUALITY_WRITE)
    try:  # the factory's switching state: the factory and its alliance's office read it, the buyer does not
        switching = await quality_service.switching_view(db_session, actor, lot.product, lot.factory_org_id)
    except NotFound:
        switching = None
    return render(ctx, "supplier/lot.html", status_code, lot=lot, order=order, images=images, rows=range(RESULT_ROWS), severities=SEVERITIES,
                  errors=errors or {}, form=form or {}, writes=writes and lot.decision is None, switching=switching,
                  judged=quality_service.judged_counts_of(lot), can_review=writes and lot.decision is None)


@get("/supplier/lots/{lot_id:uuid}", name="portal:supplier-lot", **requires(Permission.QUALITY_READ))
async def lot_page(request: Request, db_session: NamedDependency[AsyncSession], lot_id: FromPath[uuid.UUID]) -> Response:
    ctx = await _quality(request, db_session)
    return await _lot_page(ctx, db_session, lot_id)


@post("/supplier/lots/{lot_id:uuid}/results", name="portal:supplier-lot-results", **requires(Permission.QUALITY_WRITE))
async def lot_results(request: Request, db_session: NamedDependency[AsyncSession], lot_id: FromPath[uuid.UUID]) -> Response:
    """Counts by defect class (a class name, its severity, a count per row); a final report decides the lot."""
    ctx = await _quality(request, db_session)
    form = await form_of(ctx)
    rows = []
    for i in range(RESULT_ROWS):
        name, count = form.get(f"class_{i}", "").strip(), form.get(f"count_{i}", "").strip()
        if name or (count and count != "0"):
            rows.append({"defect_class": name, "severity": form.get(f"severity_{i}", ""), "count": count or 0})
    try:
        data = convert(ResultsIn, {"defects": rows, "final": form.get("final") == "on"})
        await quality_service.record_results(db_session, ctx.actor, lot_id, data)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _lot_page(ctx, db_session, lot_id, 422, {"_": ctx.error(exc)}, form)
    except Conflict as exc:
        return await _lot_page(ctx, db_session, lot_id, 409, {"_": ctx.error(exc)}, form)
    return redirect(ctx, f"{PREFIX}/supplier/lots/{lot_id}")


@post("/supplier/lots/{lot_id:uuid}/images", name="portal:supplier-lot-images", **requires(Permission.QUALITY_WRITE), request_max_body_size=64 * 1024 * 1024)
async def lot_images(request: Request, db_session: NamedDependency[AsyncSession], lot_id: FromPath[uuid.UUID]) -> Response:
    """Inspection images (multipart); the detection job adds what it finds to the lot."""
    ctx = await _quality(request, db_session)
    await inspection_service.writable_lot(db_session, ctx.actor, lot_id)  # type: ignore[arg-type]  # 404 / 403 before reading files
    await form_of(ctx)
    multipart = await request.form()
    files = [inspection_service.UploadedFile(v.filename or "", v.content_type or "", await v.read()) for v in multipart.getall("files") if isinstance(v, UploadFile)] if "files" in multipart else []
    try:
        await inspection_service.upload_images(db_session, ctx.actor, lot_id, files)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _lot_page(ctx, db_session, lot_id, 422, {"_": ctx.error(exc)})
    except Conflict as exc:
        return await _lot_page(ctx, db_session, lot_id, 409, {"_": ctx.error(exc)})
    return redirect(ctx, f"{PREFIX}/supplier/lots/{lot_id}")


@get("/supplier/images/{image_id:uuid}/thumbnail", name="portal:supplier-image-thumbnail", **requires(Permission.QUALITY_READ))
async def image_thumbnail(request: Request, db_session: NamedDependency[AsyncSession], image_id: FromPath[uuid.UUID]) -> Response:
    """An inspection image as a PNG thumbnail with its detections' boxes (the factory and the lot's buyer)."""
    ctx = await _quality(request, db_session)
    data = await inspection_service.image_thumbnail(db_session, ctx.actor, image_id)  # type: ignore[arg-type]
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@post("/supplier/images/{image_id:uuid}/review", name="portal:supplier-image-review", **requires(Permission.QUALITY_WRITE))
async def image_review(request: Request, db_session: NamedDependency[AsyncSession], image_id: FromPath[uuid.UUID]) -> Response:
    """The inspector's confirm / dismiss per proposed detection (radio decision_<index>)."""
    ctx = await _quality(request, db_session)
    image = await inspection_service.get_image(db_session, ctx.actor, image_id)  # type: ignore[arg-type]
    form = await form_of(ctx)
    decisions = [inspection_service.ReviewDecision(int(key.removeprefix("decision_")), value) for key, value in form.items()
                 if key.startswith("decision_") and key.removeprefix("decision_").isdigit() and value]
    try:
        await inspection_service.review_image(db_session, ctx.actor, image_id, decisions)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return await _lot_page(ctx, db_session, image.lot_id, 422, {"_": ctx.error(exc)})
    except Conflict as exc:
        return await _lot_page(ctx, db_session, image.lot_id, 409, {"_": ctx.error(exc)})
    return redirect(ctx, f"{PREFIX}/supplier/lots/{image.lot_id}")


@get("/supplier/statements", name="portal:supplier-statement", **requires(Permission.LEDGER_READ))
async def statement_page(request: Request, db_session: NamedDependency[AsyncSession], month: FromQuery[str | None] = None) -> Response:
    """The organisation's monthly statement: earned, paid, refunded, penalties, in escrow."""
    ctx = await signed_in(request, db_session)
    month = month or utcnow().strftime("%Y-%m")
    try:
        statement = await invoice.monthly_statement(db_session, ctx.actor, month)  # type: ignore[arg-type]
    except InvalidInput as exc:
        return render(ctx, "supplier/statement.html", 422, statement=None, month=month, error=field_errors(exc, ctx.lang).popitem()[1], references={})
    references = await order_service.order_references(db_session, ctx.actor, [e["payload"].get("order_id") for e in statement["entries"]])  # type: ignore[arg-type]
    return render(ctx, "supplier/statement.html", statement=statement, month=month, error=None, references=references)
