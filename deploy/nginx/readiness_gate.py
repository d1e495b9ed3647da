#!/usr/bin/env python3
"""Active health checks for nginx: take a web machine out of the load balancer while its
/readyz says it is not ready, and put it back when it is.

nginx (without a commercial module) only learns that a machine is failing from the
requests it sends there, and it never sends a POST twice: a registration that reached a
machine which lost its database gets a 503. This gate asks every machine in
upstream.conf for /readyz every few seconds, and marks a machine `down` in that file after
FALL failed answers in a row (no request is sent to it any more), and removes the mark
after RISE good ones; then it reloads nginx, which keeps its connections and its cache.
It never marks the last ready machine down: with none ready, nginx's own checks decide.

Runs on the load balancer, beside nginx (deploy/systemd/kurultai-readiness-gate.service);
the standard library only.

    readiness_gate.py --upstream /etc/nginx/kurultai/upstream.conf --host summit.example.org
"""
from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger("kurultai.readiness_gate")

# "    server 10.0.0.11:8000 max_fails=2 fail_timeout=10s;" with or without " down".
SERVER_LINE = re.compile(r"^(?P<indent>\s*)server\s+(?P<address>[^\s;]+)(?P<params>[^;\n]*?)(?P<down>\s+down)?\s*;",
                         re.M)


def servers(text: str) -> dict[str, bool]:
    """The machines named in upstream.conf: {address: marked down}."""
    return {m["address"]: bool(m["down"]) for m in SERVER_LINE.finditer(text)}


def with_marks(text: str, down: set[str]) -> str:
    """upstream.conf with exactly the machines in `down` marked down (nothing else changes)."""
    def mark(m: re.Match) -> str:
        suffix = " down" if m["address"] in down else ""
        return f"{m['indent']}server {m['address']}{m['params']}{suffix};"

    return SERVER_LINE.sub(mark, text)


class Gate:
    """Counts answers per machine and decides which are down (FALL bad in a row takes a
    machine out, RISE good in a row brings it back)."""

    def __init__(self, addresses, fall: int = 2, rise: int = 2, down: set[str] | None = None):
        self.fall, self.rise = fall, rise
        self.addresses = list(addresses)
        self.down = set(down or ())
        self.bad = {a: 0 for a in self.addresses}
        self.good = {a: 0 for a in self.addresses}

    def observe(self, results: dict[str, bool]) -> set[str]:
        """Take one round of answers; returns the machines to mark down now."""
        for address, ready in results.items():
            if ready:
                self.good[address], self.bad[address] = self.good.get(address, 0) + 1, 0
            else:
                self.bad[address], self.good[address] = self.bad.get(address, 0) + 1, 0
        down = set(self.down)
        for address in self.addresses:
            if address in down and self.good.get(address, 0) >= self.rise:
                down.discard(address)
            elif address not in down and self.bad.get(address, 0) >= self.fall:
                down.add(address)
        if self.addresses and down >= set(self.addresses):
            # None would be left: the ones still in stay in (nginx's own checks decide).
            down = set(self.down)
        self.down = down
        return set(down)


def ready(address: str, host: str, path: str = "/readyz", timeout: float = 2.0) -> bool:
    """Whether the machine answers 200 to its readiness check within `timeout`."""
    hostname, _, port = address.rpartition(":")
    connection = http.client.HTTPConnection(hostname or address, int(port or 80), timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https",
                                                 "User-Agent": "kurultai-readiness-gate"})
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upstream-")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.chmod(temporary, path.stat().st_mode & 0o777)
    os.replace(temporary, path)


def run(upstream: Path, host: str, reload_command: list[str], interval: float, fall: int, rise: int,
        stop: threading.Event) -> None:
    text = upstream.read_text()
    known = servers(text)
    if not known:
        raise SystemExit(f"{upstream}: no server lines")
    gate = Gate(known, fall=fall, rise=rise, down={a for a, d in known.items() if d})
    log.info("watching %s (%s)", ", ".join(known), host)
    while not stop.is_set():
        results = {address: ready(address, host) for address in known}
        down = gate.observe(results)
        text = upstream.read_text()
        if down != {a for a, d in servers(text).items() if d}:
            write_atomically(upstream, with_marks(text, down))
            outcome = subprocess.run(reload_command, capture_output=True, text=True)
            if outcome.returncode != 0:
                log.error("%s failed: %s", " ".join(reload_command), outcome.stderr.strip()[-500:])
            log.warning("out of the load balancer: %s", ", ".join(sorted(down)) or "none")
        stop.wait(interval)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=Path, default=Path("/etc/nginx/kurultai/upstream.conf"))
    parser.add_argument("--host", required=True, help="the site's name, sent as Host (SERVER_NAME)")
    parser.add_argument("--reload", default="systemctl reload nginx", help="how to reload nginx")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")
    parser.add_argument("--fall", type=int, default=2, help="failed checks in a row that take a machine out")
    parser.add_argument("--rise", type=int, default=2, help="good checks in a row that bring it back")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run(args.upstream, args.host, shlex.split(args.reload), args.interval, args.fall, args.rise, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
