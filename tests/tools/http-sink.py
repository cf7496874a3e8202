#!/usr/bin/env python3
"""An HTTP sink for the tests: an SMS gateway or a webhook receiver.

Usage: http-sink.py DIR [--port-file FILE] [--fail-first N] [--status S]
                    [--token T] [--delay-ms MS] [--quiet]

Listens on a free loopback port (written to --port-file) and answers every
POST: the first N (--fail-first) with 503, then each with 200 and
{"id": "gw-PORT-K"}, like a gateway giving its message id. Every request that
gets a 200 is written to DIR/NNNNNN.json as {"path", "headers", "body",
"id"}; DIR/sink.log gets one line per request: "ok K IDEMPOTENCY-KEY" or
"fail STATUS". With --token, a request without "Authorization: Bearer T"
gets 401. --status S answers S (e.g. 422) to every request after the
failures, to test refusals. --delay-ms waits before each answer (a slow
provider). Keeps connections alive (HTTP/1.1).
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.n = 0
        self.fail_left = args.fail_first
        self.log = open(os.path.join(args.dir, "sink.log"), "a", buffering=1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body in one segment: without this, each answer waits
    # for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    wbufsize = 65536

    def log_message(self, fmt, *a):
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_POST(self):
        st = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if st.args.delay_ms:
            time.sleep(st.args.delay_ms / 1000.0)
        if st.args.token and self.headers.get("Authorization") != "Bearer " + st.args.token:
            with st.lock:
                st.log.write("fail 401\n")
            return self.reply(401, {"error": "bad token"})
        with st.lock:
            if st.fail_left > 0:
                st.fail_left -= 1
                st.log.write("fail 503\n")
                status = 503
            elif st.args.status:
                st.log.write("fail %d\n" % st.args.status)
                status = st.args.status
            else:
                st.n += 1
                k = st.n
                status = 200
        if status != 200:
            return self.reply(status, {"error": "try later" if status == 503 else "refused"})
        rec = {"path": self.path, "headers": dict(self.headers.items()),
               "body": body.decode("utf-8", "replace"), "id": "gw-%d-%d" % (self.server.server_address[1], k)}
        if not st.args.quiet:
            name = os.path.join(st.args.dir, "%06d.json" % k)
            with open(name + ".tmp", "w") as f:
                json.dump(rec, f, ensure_ascii=False)
            os.rename(name + ".tmp", name)
        with st.lock:
            st.log.write("ok %d %s\n" % (k, self.headers.get("Idempotency-Key", "")))
        self.reply(200, {"id": rec["id"], "status": "accepted"})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client closing its kept-alive connection is no news


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--port-file")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--token", default="")
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.state = State(args)
    port = httpd.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    else:
        print(port, flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
