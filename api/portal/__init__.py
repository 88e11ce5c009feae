"""People's portals, served by the API process: supplier, buyer and alliance admin pages.

Mount with `route_handlers=[..., *api.portal.ROUTES]`; nothing else is needed on the app
(templates are rendered by the portal itself, the session cookie and CSRF are its own).
Handlers use the app's `db_session` dependency and its unit-of-work middleware.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.exceptions import HTTPException
from litestar.static_files import create_static_files_router

from api.portal import admin, auth, buyer, lots, supplier
from api.portal.errors import csrf_rejected, domain_error, http_error, login_required
from api.portal.web import PREFIX, CsrfRejected, LoginRequired
from capool.errors import DomainError

portal_router = Router(
    path=PREFIX,
    route_handlers=[
        auth.home, auth.login_page, auth.login_submit, auth.logout, auth.switch_language,
        supplier.sites_page, supplier.create_site, supplier.create_resource, supplier.offers_page, supplier.publish_offer, supplier.withdraw_offer, supplier.record_inspected,
        supplier.incoming_page, supplier.respond, supplier.qr_page, supplier.floor_page, supplier.floor_report,
        buyer.orders_page, buyer.order_form, buyer.place_order, buyer.track_page, buyer.transition, buyer.allocations_page,
        buyer.preview_match, buyer.match_now, buyer.approve_run, buyer.apply_run, buyer.ledger_proof,
        buyer.repairs_page, buyer.approve_repair, buyer.apply_repair, buyer.forecast_page,
        lots.allocation_inspection, lots.open_lot, lots.lot_page, lots.lot_results, lots.lot_images, lots.image_thumbnail, lots.image_review,
        lots.statement_page,
        admin.dashboard, admin.dead_letters_page, admin.retry_dead_letter,
    ],
    exception_handlers={
        LoginRequired: login_required,
        CsrfRejected: csrf_rejected,
        DomainError: domain_error,
        HTTPException: http_error,
    },
    include_in_schema=False,
)

static_router = create_static_files_router(path=f"{PREFIX}/static", directories=[Path(__file__).parent / "static"], include_in_schema=False, name="portal:static")

ROUTES: list = [portal_router, static_router]
