"""The published agenda through the reference load balancer (deploy/nginx/) against the
app served directly, in the same run.

Seeds the agenda benchmark's summit (bench/agenda_bench.py), serves it with gunicorn
(2 workers), puts two nginx instances in front with the shipped configuration (TLS and
compression): one as shipped, whose page cache keeps visitor pages for PUBLIC_CACHE_TTL,
and one with the page cache turned off. Loads the agenda page with wrk (2 threads, 8
connections) directly and through each, asking for gzip as every browser does (the app
keeps each stored page compressed, so nginx passes it on as it is); a last run without
gzip shows what a client that refuses compression costs the proxy.
Goals (issue "Production on several machines"): through the cache at least as fast as
direct; uncached through the proxy at least 80% of direct. Needs nginx and wrk; runs on
SQLite or on PostgreSQL (BENCH_DATABASE_URL).
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import agenda_bench as bench  # noqa: E402 (the summit, gunicorn and wrk helpers)
import seeding  # noqa: E402

from tests.cluster.nginx import nginx_site  # noqa: E402


GZIP = ("-H", "Accept-Encoding: gzip, deflate, br")


def wrk(url: str, duration: int, headers: tuple = GZIP) -> dict:
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "5s", "--latency", *headers, url],
                         capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = bench._ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = bench._ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0,
            "requests": requests}


def measured(url: str, duration: int, headers: tuple, app: subprocess.Popen,
             proxy: subprocess.Popen | None) -> dict:
    """wrk's figures plus the processor time the app and the proxy spent per request."""
    app_before = seeding.processor_seconds(app.pid)
    proxy_before = seeding.processor_seconds(proxy.pid) if proxy else 0.0
    result = wrk(url, duration, headers)
    count = max(result["requests"], 1)
    result["app_ms"] = 1000 * (seeding.processor_seconds(app.pid) - app_before) / count
    result["proxy_ms"] = 1000 * (seeding.processor_seconds(proxy.pid) - proxy_before) / count if proxy else 0.0
    return result


def start_nginx(directory: Path, upstream_port: int, cached: bool) -> tuple[subprocess.Popen, int, int]:
    """nginx with the shipped site; its TLS port and, for the uncached one, a plain-HTTP port on
    the same server block (the direct runs speak plain HTTP: like with like, without TLS)."""
    http_port = bench.free_port()
    https_port = bench.free_port()
    plain_port = bench.free_port()
    main = nginx_site(directory, servers=[f"127.0.0.1:{upstream_port}"], listen="127.0.0.1",
                      http_port=http_port, https_port=https_port)
    if not cached:
        site = directory / "kurultai.conf"
        text = site.read_text()
        assert "proxy_cache kurultai_pages;" in text
        tls_listen = f"listen 127.0.0.1:{https_port} ssl http2;"
        assert tls_listen in text
        text = text.replace(tls_listen, f"{tls_listen}\n    listen 127.0.0.1:{plain_port};")
        site.write_text(text.replace("proxy_cache kurultai_pages;", "proxy_cache off;"))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-c", str(main), "-p", str(directory), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-2000:])
        try:
            import socket

            with socket.create_connection(("127.0.0.1", https_port), timeout=0.5):
                return process, https_port, plain_port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run (default 10)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds in which every run takes its turn; each keeps its median (default 3)")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
            print(f"proxy benchmark skipped: {tool} is not installed")
            return 0
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-proxy-bench-"))
    workdir.chmod(0o755)  # nginx's workers (nobody) reach their cache folder through it
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    env = dict(os.environ, KURULTAI_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database,
               KURULTAI_INSTANCE_DIR=str(workdir / "instance"), SERVER_NAME="127.0.0.1",
               PREFERRED_URL_SCHEME="https", PYTHONPATH=str(ROOT), RATELIMIT_ALLOW_MEMORY="1",
               TRUSTED_PROXIES="1", PUBLIC_CACHE_TTL="1")
    print(f"Seeding the agenda benchmark's summit on {database.split('://')[0]} ...", flush=True)
    bench.seed(env)
    path = f"/e/{bench.SLUG}/agenda"
    port = bench.free_port()
    app = bench.start_gunicorn("wsgi:app", port, env, ROOT)
    proxies = []
    try:
        cached, cached_port, _plain = start_nginx(workdir / "cached", port, cached=True)
        proxies.append(cached)
        uncached, uncached_port, uncached_plain = start_nginx(workdir / "uncached", port, cached=False)
        proxies.append(uncached)
        runs = [("app served directly (http)", f"http://127.0.0.1:{port}{path}", GZIP, None),
                ("through nginx, its page cache (https)", f"https://127.0.0.1:{cached_port}{path}", GZIP, cached),
                ("through nginx, no page cache (https)", f"https://127.0.0.1:{uncached_port}{path}", GZIP, uncached),
                ("through nginx, no page cache (http)", f"http://127.0.0.1:{uncached_plain}{path}", GZIP, uncached),
                ("app served directly, no gzip asked (http)", f"http://127.0.0.1:{port}{path}", (), None),
                ("through nginx, no page cache, no gzip asked (https)", f"https://127.0.0.1:{uncached_port}{path}",
                 (), uncached)]
        sizes = {}
        for name, url, headers, _proxy in runs:
            for _ in range(2):  # rendered once, then stored
                subprocess.run(["curl", "-sk", "-o", "/dev/null", *headers, url], check=False)
            sizes[bool(headers)] = len(subprocess.run(["curl", "-sk", *headers, url], capture_output=True).stdout)
        # The runs take turns, round after round, and each keeps its median round: a burst of
        # other work on the machine then weighs on every way in, not on one.
        rounds: list[list[dict]] = [[] for _ in runs]
        for _ in range(args.rounds):
            for index, (name, url, headers, proxy) in enumerate(runs):
                rounds[index].append(measured(url, args.duration, headers, app, proxy))
        results = [(name, sorted(taken, key=lambda r: r["rps"])[len(taken) // 2])
                   for (name, _url, _headers, _proxy), taken in zip(runs, rounds)]
    finally:
        for process in proxies:
            bench.stop(process)
        bench.stop(app)
        shutil.rmtree(workdir, ignore_errors=True)
    direct, direct_plain = results[0][1]["rps"], results[4][1]["rps"]
    load = os.getloadavg()[0]
    print(f"\nThe published agenda page (wrk -t2 -c8, median of {args.rounds} rounds of {args.duration} s each,"
          f" gunicorn 2 workers;"
          f" {sizes[True] / 1024:.0f} KB compressed, {sizes[False] / 1024:.0f} KB plain; load average {load:.1f}):\n")
    print("| how | req/s | vs direct | p50 ms | p99 ms | app CPU ms/req | nginx CPU ms/req | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for index, (name, r) in enumerate(results):
        base = direct if index < 4 else direct_plain
        print(f"| {name} | {r['rps']:.0f} | {100 * r['rps'] / base:.0f}% | {r['p50']:.1f} | {r['p99']:.1f} "
              f"| {r['app_ms']:.3f} | {r['proxy_ms']:.3f} | {r['errors']} |")
    print("\nThe processor time per request is each server's own (wrk's is not counted); on one machine the"
          " three share its cores, so what nginx spends is taken from the app.")
    failures = []
    if results[1][1]["rps"] < direct:
        failures.append("through the proxy's cache it is slower than served directly")
    if results[2][1]["rps"] < 0.8 * direct:
        failures.append("uncached through the proxy it keeps less than 80% of the direct rate")
    if any(r["errors"] for _name, r in results):
        failures.append("some requests failed")
    for failure in failures:
        print("GOAL NOT MET:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
