"""A SensorThings server on loopback for tests: pages Things 10 at a time with @iot.nextLink."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def sta_server(things: list[dict], page_size: int = 10):
    """Yields (base URL, list of request paths); relative and absolute next links both occur in the wild."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            requests.append(self.path)
            skip = int(self.path.split("$skip=")[1]) if "$skip=" in self.path else 0
            page = {"value": things[skip:skip + page_size]}
            if skip + page_size < len(things):
                page["@iot.nextLink"] = (f"Things?$expand=Locations,Datastreams&$skip={skip + page_size}"
                                         if skip == 0 else
                                         f"http://127.0.0.1:{self.server.server_port}/v1.1/Things?"
                                         f"$skip={skip + page_size}")
            body = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}/v1.1", requests
    finally:
        srv.shutdown()
        srv.server_close()
