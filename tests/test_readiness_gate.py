"""The load balancer's readiness gate (deploy/nginx/readiness_gate.py): a web machine whose
/readyz fails twice in a row is marked `down` in upstream.conf (nginx then sends it no
request at all, POSTs included) and comes back after two good answers; the last ready
machine is never taken out."""
from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cluster.nginx import DEPLOY

sys.path.insert(0, str(DEPLOY / "nginx"))
import readiness_gate as gate  # noqa: E402 (a script of deploy/, not a package)

SHIPPED = (DEPLOY / "nginx" / "upstream.conf").read_text()


def test_the_shipped_upstream_file_is_read_and_marked_without_changing_anything_else():
    known = gate.servers(SHIPPED)
    assert known == {"10.0.0.11:8000": False, "10.0.0.12:8000": False}
    marked = gate.with_marks(SHIPPED, {"10.0.0.12:8000"})
    assert "server 10.0.0.12:8000 max_fails=2 fail_timeout=10s down;" in marked
    assert "server 10.0.0.11:8000 max_fails=2 fail_timeout=10s;" in marked
    assert gate.servers(marked) == {"10.0.0.11:8000": False, "10.0.0.12:8000": True}
    assert gate.with_marks(marked, set()) == SHIPPED
    assert gate.with_marks(marked, {"10.0.0.12:8000"}) == marked  # marking twice adds nothing


def test_two_failed_checks_take_a_machine_out_and_two_good_ones_bring_it_back():
    g = gate.Gate(["a", "b"], fall=2, rise=2)
    assert g.observe({"a": True, "b": False}) == set()  # one failure may be a blip
    assert g.observe({"a": True, "b": False}) == {"b"}
    assert g.observe({"a": True, "b": True}) == {"b"}
    assert g.observe({"a": True, "b": False}) == {"b"}  # good answers must come in a row
    assert g.observe({"a": True, "b": True}) == {"b"}
    assert g.observe({"a": True, "b": True}) == set()


def test_the_last_ready_machine_is_never_taken_out():
    g = gate.Gate(["a", "b"], fall=1, rise=1)
    assert g.observe({"a": True, "b": False}) == {"b"}
    assert g.observe({"a": False, "b": False}) == {"b"}  # a stays in: nginx's own checks decide
    assert g.observe({"a": False, "b": True}) == {"a"}


class Machine:
    """A web machine's /readyz, answering 200 or 503 as the test says."""

    def __init__(self):
        self.ready = True
        self.hosts: list[str] = []
        machine = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                machine.hosts.append(self.headers["Host"])
                self.send_response(200 if machine.ready and self.path == "/readyz" else 503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def machines():
    made = [Machine(), Machine()]
    yield made
    for machine in made:
        machine.close()


def test_the_gate_marks_a_machine_that_is_not_ready_and_reloads_nginx(tmp_path, machines):
    one, two = machines
    upstream = tmp_path / "upstream.conf"
    upstream.write_text(SHIPPED.replace("10.0.0.11:8000", one.address).replace("10.0.0.12:8000", two.address))
    reloads = tmp_path / "reloads"
    stop = threading.Event()
    runner = threading.Thread(target=gate.run, args=(upstream, "summit.example.org",
                                                     ["sh", "-c", f"echo reload >> {reloads}"], 0.05, 2, 2, stop),
                              daemon=True)
    runner.start()

    def wait(condition, what):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")

    try:
        time.sleep(0.3)
        assert gate.servers(upstream.read_text()) == {one.address: False, two.address: False}
        assert not reloads.exists(), "nothing changed, nothing reloaded"
        two.ready = False
        wait(lambda: gate.servers(upstream.read_text())[two.address], "the machine to be marked down")
        assert gate.servers(upstream.read_text())[one.address] is False
        wait(lambda: reloads.exists() and reloads.read_text().count("reload") == 1, "nginx to be reloaded")
        two.ready = True
        wait(lambda: not gate.servers(upstream.read_text())[two.address], "the machine to come back")
        wait(lambda: reloads.read_text().count("reload") == 2, "nginx to be reloaded again")
        assert set(one.hosts) == {"summit.example.org"}  # asked as the site, like the proxy does
    finally:
        stop.set()
        runner.join(timeout=5)
