"""Errors on portal pages answer as HTML pages in the visitor's language, with the same
status codes the API uses (another organisation's id: 404)."""

from __future__ import annotations

from litestar import Request, Response
from litestar.exceptions import HTTPException

from api.portal import i18n
from api.portal.i18n import N_
from api.portal.web import CsrfRejected, LoginRequired, PageContext, choose_language, login_redirect, render
from capool.errors import DomainError


def _error_page(request: Request, status_code: int, message_key: str, exc: DomainError | None = None, **values: str) -> Response:
    ctx = PageContext(request=request, lang=choose_language(request), session={"csrf": ""})
    if exc is not None:
        values["detail"] = ctx.error(exc)
    return render(ctx, "error.html", status_code, message=ctx.t(message_key, **values), status=status_code)


def login_required(request: Request, exc: LoginRequired) -> Response:
    return login_redirect(request)


def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
    return _error_page(request, 403, N_("error.csrf"))


def domain_error(request: Request, exc: DomainError) -> Response:
    if exc.status == 404:
        return _error_page(request, 404, N_("error.404"))
    if exc.status == 403:
        return _error_page(request, 403, N_("error.403"))
    if exc.status == 409:
        return _error_page(request, 409, N_("error.409"), exc)
    return _error_page(request, exc.status, N_("error.other"), exc)


def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code in (400, 404):
        # A malformed id in the path is as unknown as someone else's id.
        return _error_page(request, 404, N_("error.404"))
    lang = choose_language(request)
    detail = str(exc.detail) if lang == "en" else i18n.translate(lang, N_("error_code.error"))
    return _error_page(request, exc.status_code, N_("error.other"), detail=detail)
