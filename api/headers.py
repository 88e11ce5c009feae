"""Security headers on every response the app sends, routed or not (a `before_send` hook,
so 404s, problem responses and the middleware's own refusals carry them too)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

# Pages that set their own policy (the portal's) keep it; everything else may not be framed.
DEFAULTS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
# JSON, SVG and the like are data: they load nothing and run nothing. HTML the app does not
# write itself (GraphiQL, the OpenAPI viewers) loads its scripts from /assets only
# (api/viewers.py; tests/api/test_viewers.py keeps CDNs out), and may load nothing else.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI's page starts it with an inline script, and both set inline styles.
HTML_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in DEFAULTS.items():
        if name not in headers:
            headers[name] = value
    if "content-security-policy" not in headers:
        html = headers.get("content-type", "").startswith("text/html")
        headers["content-security-policy"] = HTML_POLICY if html else DATA_POLICY
