"""A run that refused to start, and a stand-in daemon that makes one refuse."""

from __future__ import annotations

import http.server
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.behave_run import Finished

REFUSAL = "OPTERP-20 acceptance cannot run: "


def refused(done: Finished, *fragments: str) -> None:
    """The run refused to start: exit 2, no traceback, one line on stderr saying all of `fragments`."""
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(REFUSAL), done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


class _UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@contextmanager
def fake_daemon(socket_path: Path, version: str) -> Iterator[str]:
    """A stand-in Docker API on a unix socket that answers ping and version,
    to simulate an old Engine without installing one. Yields its DOCKER_HOST."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.endswith("/_ping"):
                body, kind = b"OK", "text/plain"
            elif self.path.endswith("/version"):
                body = json.dumps({"Version": version, "ApiVersion": "1.43", "MinAPIVersion": "1.12"}).encode()
                kind = "application/json"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Api-Version", "1.43")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

        def address_string(self) -> str:  # unix sockets have no client address
            return "fake-daemon"

    server = _UnixHTTPServer(str(socket_path), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"unix://{socket_path}"
    finally:
        server.shutdown()
        server.server_close()
