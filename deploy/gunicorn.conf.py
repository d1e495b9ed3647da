"""Gunicorn settings for a Kurultai web machine (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every value can be set from the environment (the systemd unit reads /etc/kurultai/kurultai.env).
Requests are short: long work (badges, letters, big exports) runs as background jobs, so a
request that takes a minute is a fault, and the timeout says so.
"""
import multiprocessing
import os

bind = os.environ.get("KURULTAI_BIND", "127.0.0.1:8000")
# Page rendering is CPU-bound: one worker per core, plus one to cover a worker waiting on
# the database. Several machines scale further than more workers on one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# The longest request: a streamed CSV export of a COP-sized event (under 10 s measured);
# anything longer is a job. The proxy waits a little longer than this (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# SIGTERM or a reload (SIGHUP): requests under way get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they are not all replaced
# at once): memory a request leaves behind does not pile up over a summit week.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Only the load balancer may set X-Forwarded-*: its address (or addresses), comma-separated.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Each worker imports the app itself, so a reload (SIGHUP) picks up new code without
# dropping connections.
preload_app = False
