"""Sign in, sign out, the start page and the language switch."""

from __future__ import annotations

from datetime import timedelta

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.authz import AUTHENTICATED, PUBLIC
from api.middleware import client_address
from api.portal import i18n
from api.portal.access import requires
from api.portal.web import (
    LANG_COOKIE,
    LANG_MAX_AGE,
    PREFIX,
    SESSION_MAX_AGE,
    form_of,
    page_context,
    redirect,
    render,
    safe_next,
    secure_cookies,
    signed_in,
)
from capool.errors import RateLimited
from capool.ratelimit import RateLimits
from capool.tenancy import sessions
from capool.tenancy.models import User
from capool.tenancy.passwords import verify_password_async


@get("/", name="portal:home", **requires(AUTHENTICATED))
async def home(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await signed_in(request, db_session)
    return render(ctx, "home.html")


@get("/login", name="portal:login", **requires(PUBLIC))
async def login_page(request: Request, db_session: NamedDependency[AsyncSession], next: FromQuery[str | None] = None) -> Response:  # noqa: A002
    ctx = await page_context(request, db_session)
    if ctx.actor is not None:
        return redirect(ctx, safe_next(next))
    return render(ctx, "login.html", next=safe_next(next), email="", failed=False)


@post("/login", name="portal:login-submit", **requires(PUBLIC))
async def login_submit(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await page_context(request, db_session)
    form = await form_of(ctx)
    email = form.get("email", "").strip()
    rate_limits: RateLimits = request.app.state.rate_limits
    try:
        await rate_limits.sign_in_attempt(email, client_address(request.scope))
    except RateLimited as exc:
        # Answered before the password is looked at: guessing faster gains nothing, and
        # costs the server no scrypt.
        response = render(ctx, "login.html", status_code=429, next=safe_next(form.get("next")), email=email, failed=False, retry_after=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    user = (await db_session.execute(select(User).where(func.lower(User.email) == email.lower()))).scalar_one_or_none()
    if not await verify_password_async(user, form.get("password", "")) or user is None or not user.active:
        return render(ctx, "login.html", status_code=401, next=safe_next(form.get("next")), email=email, failed=True)
    await rate_limits.sign_in_succeeded(email)
    if ctx.session_id is not None:
        await sessions.revoke_session(db_session, ctx.session_id)  # signing in again replaces the old session
    opened = await sessions.open_session(db_session, user.id, timedelta(seconds=SESSION_MAX_AGE))
    ctx.start_session(user, opened.id)
    return redirect(ctx, safe_next(form.get("next")))


@post("/logout", name="portal:logout", **requires(PUBLIC))
async def logout(request: Request, db_session: NamedDependency[AsyncSession]) -> Response:
    ctx = await page_context(request, db_session)
    await form_of(ctx)
    if ctx.session_id is not None:
        # On the server too: the cookie's signature stays valid, so a copy of it would
        # otherwise go on working after the person signed out.
        await sessions.revoke_session(db_session, ctx.session_id)
    ctx.end_session()
    return redirect(ctx, f"{PREFIX}/login")


@get("/lang/{code:str}", name="portal:language", **requires(PUBLIC))
async def switch_language(request: Request, code: FromPath[str], next: FromQuery[str | None] = None) -> Response:  # noqa: A002
    response: Response = Redirect(path=safe_next(next), status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=LANG_MAX_AGE, path=PREFIX, httponly=True, samesite="lax", secure=secure_cookies(request))
    return response

