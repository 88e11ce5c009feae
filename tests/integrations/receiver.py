"""A real HTTP receiver for the tests: a ThreadingHTTPServer on 127.0.0.1 that verifies
webhook signatures on its own (hashlib / hmac, not capool's helper), dedupes by delivery id
like an idempotent partner would, and can be switched to an outage (503)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}  # path -> endpoint secret
        self.down = False
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []  # every request that reached it
        self.accepted: dict[str, dict[str, Any]] = {}  # delivery id -> body, first time only
        self.acks: Counter[str] = Counter()  # 2xx answers per delivery id
        self.bad_signatures = 0
        self.json_routes: dict[str, Any] = {}  # GET path -> JSON document (connector tests)
        self.posted: list[tuple[str, dict[str, str], Any]] = []  # POSTs to non-webhook paths
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                document = receiver.json_routes.get(self.path)
                body = json.dumps(document).encode() if document is not None else b"{}"
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        headers = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.requests.append({"path": path, "headers": headers, "body": body})
            if path not in self.secrets:
                self.posted.append((path, headers, json.loads(body or b"null")))
                return 200
            if self.down:
                return 503
            timestamp = headers.get("capool-timestamp", "")
            expected = "v1=" + hmac.new(self.secrets[path].encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 300
            if not fresh or not hmac.compare_digest(expected, headers.get("capool-signature", "")):
                self.bad_signatures += 1
                return 401
            delivery = headers["capool-delivery-id"]
            if delivery not in self.accepted:  # idempotent: a repeat is acknowledged, not applied
                self.accepted[delivery] = json.loads(body)
            self.acks[delivery] += 1
            return 200

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
