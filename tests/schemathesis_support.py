"""Sending schemathesis cases to the app in process: schemathesis prepares `requests`
arguments, the tests send them with the app's own httpx client on the test's event loop."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode

import httpx
import requests

BASE_URL = "http://capool.test"
REQUEST_TIMEOUT_S = 30


def httpx_request(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis prepares `requests` arguments; the same request for httpx."""
    url = kwargs["url"]
    if kwargs.get("params"):
        url += "?" + urlencode({k: v if isinstance(v, list) else str(v) for k, v in kwargs["params"].items()}, doseq=True)
    # Header values as `requests` sends them: latin-1 (httpx would encode str values as ASCII).
    headers = {k: str(v).encode("latin-1", "replace") for k, v in kwargs.get("headers", {}).items()}
    request: dict[str, Any] = {"method": kwargs["method"], "url": url, "headers": headers}
    if kwargs.get("files"):
        # Encoded as `requests` would send it: schemathesis' parts may be any JSON value.
        prepared = requests.PreparedRequest()
        prepared.prepare_headers(None)
        prepared.prepare_body(kwargs.get("data"), kwargs["files"])
        request["content"] = prepared.body
        request["headers"] = {k: v for k, v in headers.items() if k.lower() != "content-type"} | {"Content-Type": prepared.headers["Content-Type"]}
    elif "json" in kwargs:
        request["content"] = json.dumps(kwargs["json"]).encode()
    elif isinstance(kwargs.get("data"), dict):
        request["content"] = urlencode(kwargs["data"], doseq=True).encode()
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        request["content"] = data if isinstance(data, bytes) else str(data).encode()
    return request


async def send(client: httpx.AsyncClient, request: dict[str, Any]) -> httpx.Response | None:
    """The app's answer, or None when it gave none within REQUEST_TIMEOUT_S."""
    try:
        return await asyncio.wait_for(client.request(**request), REQUEST_TIMEOUT_S)
    except TimeoutError:
        return None
