#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd), keeping what it receives.

Usage: smtp-sink.py DIR [--port-file FILE] [--fail-first N] [--refuse SUBSTR]

Listens on a free loopback port (written to --port-file) and writes each
message it accepts to DIR/NNNNNN.eml, with the envelope in X-Sink-Mail-From
and X-Sink-Rcpt-To lines on top. DIR/sink.log gets one line per event:
"connect N" for each new SMTP session, "message FILE MESSAGE-ID" for each
message, "tempfail" and "refuse" for those turned away. --fail-first N
answers the first N messages with 451 (try again later); --refuse SUBSTR
refuses for good (550) every recipient containing SUBSTR.
"""
import argparse
import asyncio
import email
import os
import sys
import threading

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, out, fail_first, refuse):
        self.out = out
        self.fail_left = fail_first
        self.refuse = refuse
        self.count = 0
        self.sessions = 0
        self.lock = threading.Lock()
        self.log = open(os.path.join(out, "sink.log"), "a", buffering=1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and self.refuse in address:
            self.log.write("refuse %s\n" % address)
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            self.log.write("tempfail\n")
            return "451 4.3.0 try again later"
        self.count += 1
        name = "%06d.eml" % self.count
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        msg = email.message_from_bytes(data)
        head = "X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\n" % (
            envelope.mail_from, ",".join(envelope.rcpt_tos))
        tmp = os.path.join(self.out, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(head.encode() + data)
        os.rename(tmp, os.path.join(self.out, name))
        self.log.write("message %s %s\n" % (name, msg.get("Message-ID", "")))
        return "250 OK queued as %d" % self.count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--port-file")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--refuse", default="")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    handler = Handler(args.dir, args.fail_first, args.refuse)

    def factory():
        handler.sessions += 1
        handler.log.write("connect %d\n" % handler.sessions)
        return SMTP(handler, decode_data=False, enable_SMTPUTF8=True,
                    data_size_limit=10 << 20, hostname="sink.test")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    else:
        print(port, flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
