"""A real JSON-RPC endpoint over an in-process eth-tester chain, so the CLI's `--rpc-url`
path runs against HTTP exactly as it would against a node."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from web3 import Web3

from settlement.chain import SettlementChain


class RpcBridge:
    def __init__(self, chain: SettlementChain) -> None:
        self.chain = chain
        provider = chain.web3.provider
        sender = chain.accounts[0].address
        # eth-tester is not thread-safe; the HTTP server is.
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                params = request.get("params", [])
                # A node accepts calls without `from`; eth-tester needs one.
                if request["method"] in ("eth_call", "eth_estimateGas") and "from" not in params[0]:
                    params[0]["from"] = sender
                with lock:
                    response = dict(provider.make_request(request["method"], params))
                response["id"] = request["id"]
                body = Web3.to_json(response).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> RpcBridge:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
