"""The greeter: a team's own small service, standard library only. It reads its port from PORT,
logs to stdout, and stops on SIGTERM: what a process task needs (see Preflight's README)."""
import http.server
import os
import signal
import socket
import sys
import time

VERSION = os.environ.get("APP_VERSION", "dev")
DELAY = int(os.environ.get("GREETER_DELAY_MS", "0")) / 1000.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        if self.path != "/health" and DELAY:
            time.sleep(DELAY)
        body = (b'{"status":"ok"}' if self.path == "/health" else ('{"hello":"world","version":"%s"}' % VERSION).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass  # one line per request would drown the task's log


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("greeter version=%s listening on 127.0.0.1:%d" % (VERSION, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
