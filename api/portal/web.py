"""The portal's plumbing: the signed session cookie, CSRF tokens, the language, the signed-in
actor and HTML rendering. Handlers call `page_context` (or `signed_in`) first and `render`
last; everything between is the same services the REST API calls.

The session cookie is a JSON payload signed with HMAC-SHA256 under a key derived from the
settings' session secret. It holds the user id, the id of the server-side session row
(capool/tenancy/sessions.py: signing out or a new password revokes it, so a copied cookie
dies with it), when it expires, the CSRF token and a fingerprint of the user's password
hash, so that a password changed by any path ends every session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Request, Response
from litestar.enums import MediaType
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.portal import i18n
from capool.config import get_settings
from capool.errors import DomainError, FieldError, InvalidInput
from capool.tenancy import sessions
from capool.tenancy.actor import Actor, Permission, user_actor
from capool.tenancy.models import Alliance, Organisation, User
from marketplace import catalogue

SESSION_COOKIE = "capool_portal"
LANG_COOKIE = "capool_lang"
SESSION_MAX_AGE = 8 * 3600
LANG_MAX_AGE = 365 * 24 * 3600
CSRF_FIELD = "_csrf"
PREFIX = "/portal"

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@pass_context
def _money(context: Context, minor: int | None, currency: str | None) -> str:
    """`{{ amount_minor | money(currency) }}`: every amount on every page goes through here."""
    return i18n.format_money(minor, currency, context.get("lang") or i18n.DEFAULT)


templates.filters["money"] = _money


def process_name(context: Context, code: str | None) -> str:
    """A process code as its name in the page's language (the alliance's catalogue); the code
    itself where the catalogue does not know it."""
    return process_label(context.get("ctx"), context.get("lang"), code)


def process_label(page: object, lang: str | None, code: str | None) -> str:
    """`process_name` outside a template: the page's catalogue names, in `lang`."""
    names = getattr(page, "processes", None) or {}
    if not code or code not in names:
        return code or ""
    english, chinese = names[code]
    return chinese if (lang or i18n.DEFAULT) == "zh-CN" else english


templates.filters["process"] = pass_context(process_name)


def _params(context: Context, params: dict[str, Any]) -> dict[str, Any]:
    """A coded message's values as the page shows them: offer ids as the page's offer labels,
    `*_minor` amounts as money in the page's currency."""
    lang = context.get("lang") or i18n.DEFAULT
    offers: dict[str, str] = context.get("offers") or {}
    hidden = i18n.translate(lang, i18n.N_("match.hidden_offer"))
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if name == "offer":
            value = offers.get(str(value)) or hidden
        elif name == "offers":
            value = [offers.get(str(v)) or hidden for v in value or []]
        elif name == "process":
            value = process_name(context, value)
        elif name.endswith("_minor"):
            value = i18n.format_money(value, context.get("currency"), lang)
        shown[name] = value
    return shown


@pass_context
def _say(context: Context, family: str, item: Any, fallback: str = "") -> str:
    """`{{ say("risk", {"code": ..., "params": {...}}, english) }}`: a service's coded statement
    in the page's language; the service's own text where the catalogue lacks the code."""
    if isinstance(item, str):
        item = {"code": item}
    if not isinstance(item, dict):
        return fallback
    text = i18n.message(context.get("lang") or i18n.DEFAULT, family, item.get("code"), _params(context, item.get("params") or {}))
    return fallback if text is None else text


@pass_context
def _alert_text(context: Context, alert: Any) -> str:
    """A health alert's message from its kind and details, in the page's language."""
    from forecasting import health

    lang = context.get("lang") or i18n.DEFAULT
    details = alert.details or {}
    kind = alert.kind.value
    if kind == "forecast_warning" and "process" in details:
        values = {"process": process_name(context, details["process"]), "demand": round(float(details.get("forecast_demand") or 0)),
                  "capacity": int(details.get("available_capacity") or 0), "threshold": health.WARNING_RATIO}
    elif kind == "equipment" and "resource" in details:
        values = {"resource": details["resource"], "tolerance": health.EQUIPMENT_TOLERANCE, "cycles": health.EQUIPMENT_CONSECUTIVE}
    elif kind == "traffic_light" and "label" in details:
        risks = [_say(context, "risk", risk, "") for risk in details.get("risks") or []]
        if risks and all(risks):
            values = {"label": details["label"], "reasons": risks}
        else:
            return i18n.message(lang, "alert_message", "traffic_light_plain", {"label": details["label"]}) or str(alert.message)
    elif kind == "withdrawn_work":
        offers = context.get("offers") or {}
        return i18n.translate(lang, i18n.N_("repair.alert"), offer=offers.get(str(alert.subject)) or i18n.translate(lang, i18n.N_("match.hidden_offer")),
                              units=details.get("units_not_produced", "?"))
    else:
        return str(alert.message)
    return i18n.message(lang, "alert_message", kind, values) or str(alert.message)


@pass_context
def _kpi_target(context: Context, name: str) -> str:
    from forecasting import health

    return i18n.target_text(context.get("lang") or i18n.DEFAULT, health.TARGETS[name], percent=name != "cycle_volatility")


templates.globals.update(say=_say, alert_text=_alert_text, kpi_target=_kpi_target)


def _signing_key() -> bytes:
    # A key of its own, derived from the sessions' secret, so that a portal cookie can
    # never be confused with anything else signed by the platform.
    return hmac.new(get_settings().secret_bytes("session_secret"), b"capool-portal-session-v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = _b64(hmac.new(_signing_key(), body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}"


def unsign(value: str | None) -> dict[str, Any] | None:
    if not value or value.count(".") != 1:
        return None
    body, mac = value.split(".")
    expected = _b64(hmac.new(_signing_key(), body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("exp", 0) < time.time():
        return None
    return payload


def password_fingerprint(user: User) -> str:
    return hmac.new(_signing_key(), (user.password_hash or "").encode(), hashlib.sha256).hexdigest()[:16]


def choose_language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.from_accept_language(request.headers.get("accept-language", ""))


@dataclass
class PageContext:
    request: Request
    lang: str
    session: dict[str, Any]
    actor: Actor | None = None
    user: User | None = None
    organisation: Organisation | None = None
    session_changed: bool = False
    clear_session: bool = False
    extra_cookies: list[tuple[str, str, int]] = field(default_factory=list)
    # code -> (English, Chinese) name of the alliance's processes (marketplace.catalogue)
    processes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return str(self.session["csrf"])

    def t(self, key: str, **values: Any) -> str:
        return i18n.translate(self.lang, key, **values)

    def error(self, exc: DomainError) -> str:
        """A service's refusal in the page's language."""
        return i18n.error_text(self.lang, exc)

    def can(self, permission: str) -> bool:
        return self.actor is not None and self.actor.can(permission)

    @property
    def supplies(self) -> bool:
        return self.can(Permission.CAPACITY_WRITE) or self.can(Permission.PROGRESS_WRITE)

    @property
    def buys(self) -> bool:
        return self.can(Permission.ORDERS_WRITE)

    @property
    def administers(self) -> bool:
        return self.can(Permission.ANALYTICS_ALLIANCE)

    def start_session(self, user: User, session_id: uuid.UUID) -> None:
        # A new CSRF token at sign-in: a token planted before sign-in is worthless after it.
        self.session = {
            "uid": str(user.id), "sid": str(session_id), "fp": password_fingerprint(user),
            "csrf": secrets.token_urlsafe(24), "exp": int(time.time()) + SESSION_MAX_AGE,
        }
        self.session_changed = True

    @property
    def session_id(self) -> uuid.UUID | None:
        return _uuid_or_none(self.session.get("sid"))

    def end_session(self) -> None:
        self.session = {}
        self.clear_session = True


class LoginRequired(Exception):
    """Raised by `signed_in` for an anonymous visitor; answered with a redirect to sign-in."""


class CsrfRejected(Exception):
    """A form without the session's CSRF token; answered 403 and nothing is changed."""


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


async def actor_for_user(db_session: AsyncSession, user_id: uuid.UUID) -> tuple[Actor, User, Organisation] | None:
    """The Actor of a signed-in person, built exactly as `authenticate` builds an API key's
    (with no key scopes to narrow it), so the same services and tenancy rules apply."""
    row = (
        await db_session.execute(
            select(User, Organisation, Alliance)
            .join(Organisation, Organisation.id == User.organisation_id)
            .join(Alliance, Alliance.id == Organisation.alliance_id)
            .where(User.id == user_id)
        )
    ).one_or_none()
    if row is None:
        return None
    user, org, alliance = row
    if not user.active:
        return None
    actor = user_actor(user, org, alliance)
    return actor, user, org


async def _signed_in_as(db_session: AsyncSession, session: dict[str, Any]) -> tuple[Actor, User, Organisation] | None:
    """Whom a validly signed cookie names, while its sign-in still counts: the person is
    active, their password is the one they signed in with, and the server-side session has
    been neither revoked (signed out) nor outlived."""
    user_id, session_id = _uuid_or_none(session.get("uid")), _uuid_or_none(session.get("sid"))
    if user_id is None or session_id is None:
        return None
    found = await actor_for_user(db_session, user_id)
    if found is None or not hmac.compare_digest(str(session.get("fp", "")), password_fingerprint(found[1])):
        return None
    if not await sessions.is_live(db_session, session_id, user_id):
        return None
    return found


async def page_context(request: Request, db_session: AsyncSession) -> PageContext:
    session = unsign(request.cookies.get(SESSION_COOKIE)) or {}
    ctx = PageContext(request=request, lang=choose_language(request), session=session)
    if "csrf" not in session:
        ctx.session = {"csrf": secrets.token_urlsafe(24), "exp": int(time.time()) + SESSION_MAX_AGE}
        ctx.session_changed = True
    if session.get("uid"):
        found = await _signed_in_as(db_session, session)
        if found is None:
            ctx.end_session()
            ctx.session = {"csrf": secrets.token_urlsafe(24), "exp": int(time.time()) + SESSION_MAX_AGE}
            ctx.clear_session = False
            ctx.session_changed = True
        else:
            ctx.actor, ctx.user, ctx.organisation = found
            ctx.processes = await catalogue.process_names(db_session, ctx.actor)
    return ctx


async def signed_in(request: Request, db_session: AsyncSession) -> PageContext:
    ctx = await page_context(request, db_session)
    if ctx.actor is None:
        raise LoginRequired()
    return ctx


async def form_of(ctx: PageContext) -> dict[str, str]:
    """The posted form, after checking its CSRF token against the session's; a field posted
    several times (a multiple select) is its values joined by ", " (forms.split_list)."""
    form = await ctx.request.form()
    data = {key: ", ".join(v for v in form.getall(key) if isinstance(v, str)) for key in form if isinstance(form.get(key), str)}
    token = data.pop(CSRF_FIELD, "")
    if not token or not hmac.compare_digest(token.encode(), ctx.csrf.encode()):
        raise CsrfRejected()
    return data


def secure_cookies(request: Request) -> bool:
    """Secure cookies when configured so, or else when the request came over https (behind
    a trusted proxy, as X-Forwarded-Proto said: api/app.py)."""
    forced: bool | None = request.app.state.settings.cookie_secure
    return request.url.scheme == "https" if forced is None else forced


def finish(ctx: PageContext, response: Response) -> Response:
    secure = secure_cookies(ctx.request)
    if ctx.clear_session:
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    elif ctx.session_changed:
        response.set_cookie(SESSION_COOKIE, sign(ctx.session), max_age=SESSION_MAX_AGE, path=PREFIX, httponly=True, samesite="lax", secure=secure)
    for key, value, max_age in ctx.extra_cookies:
        response.set_cookie(key, value, max_age=max_age, path=PREFIX, httponly=True, samesite="lax", secure=secure)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def render(ctx: PageContext, template: str, status_code: int = 200, **values: Any) -> Response:
    html = templates.get_template(template).render(ctx=ctx, t=ctx.t, lang=ctx.lang, csrf_field=CSRF_FIELD, prefix=PREFIX, **values)
    return finish(ctx, Response(content=html, media_type=MediaType.HTML, status_code=status_code))


def redirect(ctx: PageContext, path: str) -> Response:
    return finish(ctx, Redirect(path=path, status_code=303))


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(path=f"{PREFIX}/login?next={quote(target, safe='')}", status_code=303)


def safe_next(target: str | None) -> str:
    # Only paths inside the portal: never an open redirect to another host.
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX + "/"


def field_errors(exc: DomainError, lang: str) -> dict[str, str]:
    """Field errors keyed by the form field's name (the JSON pointer's first segment), in the
    page's language (by their codes: api/portal/i18n.py)."""
    errors: dict[str, str] = {}
    for error in exc.errors:
        name = error.path.strip("/").split("/")[0] or "_"
        errors.setdefault(name, i18n.field_text(lang, error))
    if not errors:
        errors["_"] = i18n.error_text(lang, exc)
    return errors


def invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, [FieldError(f"/{field_name}", message)])
