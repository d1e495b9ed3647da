"""`make test-cluster`: the reference deployment of deploy/ on test hosts of its own.

Network namespaces joined by a bridge stand for machines: a load balancer (nginx with
deploy/nginx/), two web hosts (gunicorn with deploy/gunicorn.conf.py) and a worker host
(the outbox worker); PostgreSQL behind PgBouncer (deploy/pgbouncer/) and Redis answer on
the bridge. Only addresses, ports and paths differ from the shipped files. Needs root
(for the namespaces), nginx, pgbouncer, redis-server, PostgreSQL on 127.0.0.1:5432 and the
development requirements (moto's S3 server, aiosmtpd).

Checked through that:
- 300 registrations through the load balancer while one web host is killed (SIGKILL)
  and started again: every accepted registration is there exactly once, no GET sees a
  5xx, and a POST cut off by the kill is answered as a person retrying would see it;
  then 60 more while the other is stopped (SIGTERM) and started again: nothing lost or
  doubled, no GET answered with a 5xx;
- the login rate limit is counted across the two web hosts;
- an agenda published through one web host is served by the other within
  PUBLIC_CACHE_TTL (plus the time to render it);
- a speaker's photo uploaded through one web host is served by the other (the files are
  in an S3 bucket: moto's server, on the network);
- a badge job started through one web host is done by the worker host and downloaded
  through the other;
- the outbox worker on its own host delivers what the web hosts queued, once each, to an
  SMTP server on the network;
- with the database out of reach (PgBouncer stopped) both web hosts say they are not
  ready (/readyz 503) while alive (/healthz 200), and ready again when it is back;
- a web host that loses its network to the database is taken out of the load balancer
  by the readiness gate (no registration reaches it, none fails), and put back after.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from lxml import html

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.cluster.hosts import (  # noqa: E402 (the repository is put on the path first)
    BUCKET, CLIENTS, DATABASE, GATEWAY, HOSTS, NET, PUBLIC_CACHE_TTL, REGISTRATIONS, SITE, SLUG, VENV, Client,
    Network, Processes, answers, app_env, ns, sh, wait_for)
from tests.cluster.nginx import nginx_site  # noqa: E402


class Run:
    def __init__(self, work: Path):
        self.work = work
        self.net = Network()
        self.procs = Processes(work)
        self.secret = secrets.token_urlsafe(48)
        self.password = secrets.token_urlsafe(16)
        self.lb = f"https://{NET}.{HOSTS['lb']}/"
        self.web = {host: f"http://{NET}.{HOSTS[host]}:8000/" for host in ("web1", "web2")}

    # -- the machines ---------------------------------------------------------------------------

    def database(self) -> None:
        admin = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c"]
        sh(*admin, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        sh(*admin, f'CREATE DATABASE "{DATABASE}"')
        env = {**os.environ, "FLASK_APP": "wsgi.py", "KURULTAI_ENV": "development",
               "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
               "KURULTAI_INSTANCE_DIR": str(self.work / "seed")}
        for command in (["db", "upgrade"], ["seed-demo"]):
            result = subprocess.run([str(VENV / "flask"), *command], cwd=ROOT, env=env, capture_output=True, text=True)
            assert result.returncode == 0, f"flask {' '.join(command)}: {result.stderr[-2000:]}"

    def pgbouncer(self) -> None:
        directory = self.work / "pgbouncer"
        directory.mkdir(exist_ok=True)
        directory.chmod(0o755)
        shipped = (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
        config = re.sub(r"^kurultai = .*$", f"{DATABASE} = host=127.0.0.1 port=5432 dbname={DATABASE} user=postgres",
                        shipped, flags=re.M)
        config = config.replace("listen_addr = 0.0.0.0", f"listen_addr = {GATEWAY}")
        config = config.replace("auth_file = /etc/pgbouncer/userlist.txt", f"auth_file = {directory}/userlist.txt")
        config += "unix_socket_dir =\n"
        (directory / "pgbouncer.ini").write_text(config)
        (directory / "userlist.txt").write_text(f'"kurultai" "{self.password}"\n')
        for path in directory.iterdir():
            path.chmod(0o644)
        self.procs.start("pgbouncer", ["pgbouncer", "-u", "postgres", str(directory / "pgbouncer.ini")])
        wait_for(lambda: sh("pg_isready", "-q", "-h", GATEWAY, "-p", "6432", check=False).returncode == 0,
                 "PgBouncer")

    def redis(self) -> None:
        self.procs.start("redis", ["redis-server", "--bind", GATEWAY, "--port", "6380", "--save", "",
                                   "--appendonly", "no", "--requirepass", self.password])
        wait_for(lambda: sh("redis-cli", "-h", GATEWAY, "-p", "6380", "--no-auth-warning", "-a", self.password,
                            "ping", check=False).stdout.strip() == "PONG", "Redis")

    def mail_server(self) -> None:
        """An SMTP server that keeps what it receives in a maildir."""
        self.maildir = self.work / "maildir"
        self.procs.start("smtp", [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"{GATEWAY}:8025",
                                  "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)])
        wait_for(lambda: (self.maildir / "new").is_dir() or sh("bash", "-c", f"exec 3<>/dev/tcp/{GATEWAY}/8025",
                                                               check=False).returncode == 0, "the mail server")

    def object_storage(self) -> None:
        """moto's S3 server on the network, with the bucket the hosts share."""
        self.procs.start("s3", [str(VENV / "moto_server"), "-H", GATEWAY, "-p", "9000"])
        wait_for(lambda: requests.get(f"http://{GATEWAY}:9000/", timeout=2).status_code < 500, "the S3 server")
        import boto3  # a runtime dependency of the app; here only to make the bucket

        boto3.client("s3", endpoint_url=f"http://{GATEWAY}:9000", region_name="us-east-1",
                     aws_access_key_id="cluster", aws_secret_access_key="cluster-secret").create_bucket(Bucket=BUCKET)

    def web_host(self, host: str) -> None:
        env = app_env(self.work, host, self.secret, self.password)
        self.procs.start(host, [str(VENV / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "wsgi:app"], env, host)
        wait_for(lambda: answers(self.web[host] + "healthz"), f"{host} to answer", timeout=60)

    def worker_host(self) -> None:
        env = app_env(self.work, "worker", self.secret, self.password)
        self.procs.start("worker", [str(VENV / "flask"), "send-mail"], env, "worker")
        self.procs.start("jobs", [str(VENV / "flask"), "jobs-worker"], env, "worker")

    def load_balancer(self) -> None:
        """nginx, and beside it the readiness gate (deploy/nginx/readiness_gate.py) watching
        the web hosts' /readyz and marking them down in nginx's upstream.conf."""
        lb = self.work / "lb"
        main = nginx_site(lb, servers=[f"{NET}.{HOSTS[h]}:8000" for h in ("web1", "web2")])
        self.procs.start("lb", ["nginx", "-c", str(main), "-p", str(lb), "-g", "daemon off;"], host="lb")
        wait_for(lambda: answers(self.lb + "healthz"), "the load balancer")
        self.upstream = lb / "upstream.conf"
        self.procs.start("gate", [sys.executable, str(ROOT / "deploy" / "nginx" / "readiness_gate.py"),
                                  "--upstream", str(self.upstream), "--host", SITE, "--interval", "1",
                                  "--reload", f"nginx -c {main} -p {lb} -s reload"], host="lb")

    def up(self) -> None:
        self.net.up()
        self.database()
        self.sent_before = int(self.sql("select count(*) from outbox_messages where status = 'sent'")[0][0])
        self.pgbouncer()
        self.redis()
        self.mail_server()
        self.object_storage()
        for host in ("web1", "web2"):
            self.web_host(host)
        self.worker_host()
        self.load_balancer()

    def down(self) -> None:
        self.procs.stop_all()
        self.net.down()
        sh("psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
           f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', check=False)

    # -- reading the database directly -----------------------------------------------------------

    def sql(self, query: str) -> list[list[str]]:
        result = sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-At", "-F", "\t", "-c", query)
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    # -- the checks ------------------------------------------------------------------------------

    def register(self, index: int, log: list) -> str:
        """One delegate registers through the load balancer; presses again on a 5xx. The outcome."""
        email = f"cluster.{index}@example.org"
        for attempt in range(5):
            client = Client(self.lb, log)
            try:
                fields = client.form(f"e/{SLUG}/register", choices=True)
            except AssertionError:
                time.sleep(0.5)
                continue
            fields.update({
                "email": email, "password": "cluster-pass-" + str(index), "confirm": "cluster-pass-" + str(index),
                "given_name": f"Cluster{index}", "family_name": "Delegate", "organisation": "Ministry of Ecology",
                "position": "Adviser", "country": "KZ", "nationality": "KZ", "phone": "+7 701 000 0000",
                "privacy_consent": "y"})
            response = client.request("POST", f"e/{SLUG}/register", data=fields)
            if response.status_code >= 500:
                time.sleep(0.5)
                continue
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "my-registration" in location:
                return "registered"
            if response.status_code == 200 and "check your email" in response.text.lower():
                return "confirm-email"  # new and known addresses get the same answer
            problems = html.fromstring(response.text).xpath("//*[contains(@class, 'invalid-feedback') or "
                                                            "contains(@class, 'alert')]//text()")
            raise AssertionError(f"{email}: {response.status_code} {location} {' '.join(problems)[:500]}")
        raise AssertionError(f"{email}: no answer after 5 attempts")

    def registrations_while_a_host_dies(self) -> None:
        log: list = []
        done = threading.Event()
        finished = []

        def one(index):
            outcome = self.register(index, log)
            finished.append(index)
            return outcome

        def kill_and_restart():
            wait_for(lambda: len(finished) >= REGISTRATIONS // 3, "a third of the registrations", timeout=300)
            self.killed_at = len(log)
            self.procs.kill("web1", signal.SIGKILL)
            time.sleep(2)
            self.web_host("web1")
            done.set()

        killer = threading.Thread(target=kill_and_restart, daemon=True)
        killer.start()
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = list(pool.map(one, range(REGISTRATIONS)))
        killer.join(timeout=120)
        assert done.is_set(), "web1 was not killed and restarted during the registrations"
        elapsed = time.monotonic() - started
        rows = dict((email, int(n)) for email, n in self.sql(
            "select lower(email), count(*) from registrations where email like 'cluster.%' group by lower(email)"))
        expected = {f"cluster.{i}@example.org" for i in range(REGISTRATIONS)}
        missing = expected - set(rows)
        doubled = {email: n for email, n in rows.items() if n != 1}
        server_errors = [(m, p, s) for m, p, s in log if s >= 500]
        get_errors = [e for e in server_errors if e[0] == "GET"]
        print(f"  {REGISTRATIONS} registrations by {CLIENTS} clients in {elapsed:.1f} s, web1 killed and restarted;"
              f" {outcomes.count('confirm-email')} asked to confirm their address, {outcomes.count('registered')} in at once;"
              f" {len(server_errors)} POSTs cut off by the kill and retried")
        assert not missing, f"registrations lost: {sorted(missing)[:5]}"
        assert not doubled, f"registrations stored twice: {doubled}"
        assert not get_errors, f"GET requests answered with 5xx: {get_errors[:5]}"
        assert len(server_errors) <= CLIENTS, f"more 5xx than requests in flight at the kill: {server_errors[:5]}"

    def registrations_while_a_host_stops(self) -> None:
        """A web host told to stop (SIGTERM: a deploy, a reboot) finishes what it has under
        way: no registration is lost or doubled, and no GET sees a 5xx."""
        log: list = []
        finished = []
        first, count = 1000, 60
        stopped = threading.Event()

        def one(index):
            outcome = self.register(index, log)
            finished.append(index)
            return outcome

        def stop_and_start():
            wait_for(lambda: len(finished) >= count // 3, "a third of the registrations", timeout=300)
            self.procs.kill("web2", signal.SIGTERM)  # returns once gunicorn has stopped
            stopped.set()
            self.web_host("web2")

        stopper = threading.Thread(target=stop_and_start, daemon=True)
        stopper.start()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(one, range(first, first + count)))
        stopper.join(timeout=120)
        assert stopped.is_set(), "web2 was not stopped during the registrations"
        emails = ", ".join(f"'cluster.{i}@example.org'" for i in range(first, first + count))
        rows = dict((email, int(n)) for email, n in self.sql(
            f"select lower(email), count(*) from registrations where lower(email) in ({emails}) group by lower(email)"))
        server_errors = [(m, p, s) for m, p, s in log if s >= 500]
        print(f"  {count} registrations while web2 was stopped (SIGTERM) and started again:"
              f" {len(rows)} stored, {len(server_errors)} answers with 5xx")
        assert len(rows) == count and set(rows.values()) == {1}, "registrations lost or doubled"
        assert not [e for e in server_errors if e[0] == "GET"], server_errors[:5]

    def login_limit_across_hosts(self) -> None:
        log: list = []
        statuses = {}
        for host in ("web1", "web2"):
            client = Client(self.web[host], log, direct=True)
            statuses[host] = []
            for _ in range(6):
                fields = client.form("account/login")
                fields.update({"email": f"nobody-{secrets.token_hex(4)}@example.org", "password": "wrong-password"})
                statuses[host].append(client.request("POST", "account/login", data=fields).status_code)
        print(f"  login attempts with a wrong password: web1 {statuses['web1']}, web2 {statuses['web2']}")
        assert 429 not in statuses["web1"], statuses
        assert 429 in statuses["web2"], "web2 did not count the attempts made on web1"
        assert statuses["web2"].index(429) <= 4, statuses

    def publication_seen_on_the_other_host(self) -> None:
        log: list = []
        anonymous = Client(self.web["web2"], log, direct=True)
        first = anonymous.request("GET", f"e/{SLUG}/agenda")
        assert first.status_code == 200, f"agenda on web2: {first.status_code}"  # web2 has it cached now
        title = f"Cluster check {secrets.token_hex(4)}"
        session_id = self.sql(f"select s.id from agenda_sessions s join events e on e.id = s.event_id "
                              f"where e.slug = '{SLUG}' order by s.id limit 1")[0][0]
        raw = self.sql(f"select title from agenda_sessions where id = {session_id}")[0][0]
        changed = re.sub(r'("en"\s*:\s*")[^"]*(")', lambda m: m.group(1) + title + m.group(2), raw, count=1)
        assert changed != raw, f"no English title in {raw!r}"
        self.sql("update agenda_sessions set title = '" + changed.replace("'", "''") + f"' where id = {session_id}")
        assert title not in anonymous.request("GET", f"e/{SLUG}/agenda").text, "a draft change is public"
        organiser = Client(self.web["web1"], log, direct=True)
        fields = organiser.form("account/login")
        fields.update({"email": "programme@example.org", "password": "summit-demo"})
        login = organiser.request("POST", "account/login", data=fields)
        assert login.status_code == 302, f"programme manager's login: {login.status_code}"
        publish = organiser.form(f"e/{SLUG}/manage/agenda/publish")
        publish["publish_anyway"] = "y"
        answer = organiser.request("POST", f"e/{SLUG}/manage/agenda/publish", data=publish)
        assert answer.status_code == 302, f"publish: {answer.status_code}"
        seen = wait_for(lambda: title in anonymous.request("GET", f"e/{SLUG}/agenda").text,
                        "the new publication on web2", timeout=30)
        print(f"  published through web1, served by web2 after {seen:.2f} s (PUBLIC_CACHE_TTL {PUBLIC_CACHE_TTL} s)")
        assert seen <= PUBLIC_CACHE_TTL + 2.0

    def load_balancer_caches_public_pages(self) -> None:
        log: list = []
        visitor = Client(self.lb, log)
        statuses = [visitor.request("GET", f"e/{SLUG}/agenda").headers.get("X-Cache") for _ in range(3)]
        assert "HIT" in statuses, f"the load balancer kept no published page: {statuses}"
        forms = [Client(self.lb, log).request("GET", f"e/{SLUG}/register").headers.get("X-Cache") for _ in range(2)]
        assert "HIT" not in forms, f"a form page (with its CSRF token) was served from the cache: {forms}"
        print(f"  the agenda through the load balancer: {statuses}; a form page is never cached")

    def photo_served_by_the_other_host(self) -> None:
        from io import BytesIO

        from PIL import Image

        log: list = []
        speaker = Client(self.web["web1"], log, direct=True)
        speaker.log_in("speaker@example.org")
        fields = speaker.form(f"e/{SLUG}/speaker/profile", full=True)
        picture = BytesIO()
        Image.new("RGB", (400, 400), (secrets.randbelow(256), 120, 80)).save(picture, "JPEG")
        answer = speaker.request("POST", f"e/{SLUG}/speaker/profile", data=fields,
                                 files={"photo": ("portrait.jpg", picture.getvalue(), "image/jpeg")})
        assert answer.status_code == 302, f"profile with a photo through web1: {answer.status_code}"
        user_id = self.sql("select id from users where email = 'speaker@example.org'")[0][0]
        on_web1 = speaker.request("GET", f"e/{SLUG}/speakers/{user_id}/photo")
        on_web2 = speaker.on(self.web["web2"]).request("GET", f"e/{SLUG}/speakers/{user_id}/photo")
        assert on_web1.status_code == 200 and on_web2.status_code == 200, (on_web1.status_code, on_web2.status_code)
        assert on_web2.content == on_web1.content and on_web2.content[:2] == b"\xff\xd8"
        local = [p for host in ("web1", "web2") for p in (self.work / host / "instance").rglob("*.jpg")]
        assert not local, f"a photo was kept on a host's own disk: {local}"
        print(f"  a photo uploaded through web1 is served by web2 ({len(on_web2.content)} bytes, from the bucket)")

    def job_run_by_the_worker_host(self) -> None:
        log: list = []
        organiser = Client(self.web["web1"], log, direct=True)
        organiser.log_in("secretariat@example.org")
        fields = organiser.form(f"e/{SLUG}/manage/badges")  # the print button's form
        answer = organiser.request("POST", f"e/{SLUG}/manage/badges.pdf", data=fields)
        location = answer.headers.get("Location", "")
        assert answer.status_code == 302 and "/manage/jobs/" in location, f"badges: {answer.status_code} {location}"
        job_path = location.split(SITE, 1)[-1].lstrip("/")
        job_id = job_path.rstrip("/").rsplit("/", 1)[-1]
        elsewhere = organiser.on(self.web["web2"])
        took = wait_for(lambda: self.sql(f"select state from jobs where id = {job_id}")[0][0] in ("done", "failed"),
                        "the badge job", timeout=120)
        state, done, total = self.sql(f"select state, progress_done, progress_total from jobs where id = {job_id}")[0]
        assert state == "done", f"the badge job ended {state}"
        page = elsewhere.request("GET", job_path)
        assert page.status_code == 200 and "download" in page.text, f"job page on web2: {page.status_code}"
        download = elsewhere.request("GET", job_path + "/download")
        assert download.status_code == 200 and download.content.startswith(b"%PDF"), download.status_code
        print(f"  badges of {total} people started through web1, made by the worker host in {took:.1f} s,"
              f" downloaded through web2 ({len(download.content)} bytes)")

    def readiness_follows_the_database(self) -> None:
        def ready(host):
            return requests.get(self.web[host] + "readyz", headers={"Host": SITE}, timeout=10).status_code

        assert ready("web1") == 200 and ready("web2") == 200
        self.procs.kill("pgbouncer", signal.SIGTERM)
        down = wait_for(lambda: ready("web1") == 503 and ready("web2") == 503, "readiness to fail", timeout=30)
        assert requests.get(self.web["web1"] + "healthz", headers={"Host": SITE}, timeout=10).status_code == 200
        self.pgbouncer()
        up = wait_for(lambda: ready("web1") == 200 and ready("web2") == 200, "readiness to come back", timeout=60)
        print(f"  with the database out of reach both hosts said not ready within {down:.1f} s (alive all along),"
              f" and ready again {up:.1f} s after it came back")

    def a_host_without_its_database_is_taken_out(self) -> None:
        """web1's network to the database, Redis and the bucket breaks (a route prohibited
        inside its namespace; the load balancer still reaches it): the readiness gate marks
        it down, and registrations (POSTs, which nginx never retries) all succeed on web2;
        when the route is back, web1 is put back by itself."""
        def marked():
            return dict(re.findall(r"server (\S+) [^;]*?( down)?;", self.upstream.read_text()))

        web1 = f"{NET}.{HOSTS['web1']}:8000"
        assert marked().get(web1) == "", f"web1 is out before the check: {self.upstream.read_text()}"
        sh(*ns("web1"), "ip", "route", "add", "prohibit", f"{GATEWAY}/32")
        try:
            out = wait_for(lambda: marked().get(web1) == " down", "the gate to take web1 out", timeout=60)
            time.sleep(1)  # nginx's reload: new workers take over from the old ones
            log: list = []
            with ThreadPoolExecutor(4) as pool:
                outcomes = list(pool.map(lambda i: self.register(i, log), range(2000, 2030)))
            server_errors = [(m, p, s) for m, p, s in log if s >= 500]
            print(f"  web1 lost its database: taken out by the readiness gate after {out:.1f} s;"
                  f" {len(outcomes)} registrations meanwhile, {len(server_errors)} answers with 5xx")
            assert not server_errors, f"requests reached the host without a database: {server_errors[:5]}"
        finally:
            sh(*ns("web1"), "ip", "route", "del", "prohibit", f"{GATEWAY}/32", check=False)
        back = wait_for(lambda: marked().get(web1) == "", "the gate to put web1 back", timeout=90)
        print(f"  web1's network back: in the load balancer again after {back:.1f} s")
        emails = ", ".join(f"'cluster.{i}@example.org'" for i in range(2000, 2030))
        stored = self.sql(f"select count(distinct lower(email)) from registrations where lower(email) in ({emails})")
        assert int(stored[0][0]) == 30, f"registrations stored: {stored}"

    def mail_from_the_worker_host(self) -> None:
        # Queued or being sent: a message the server has taken is "sending" until the worker
        # records it a moment later.
        wait_for(lambda: int(self.sql("select count(*) from outbox_messages"
                                      " where status in ('queued', 'sending')")[0][0]) == 0,
                 "the worker host to empty the outbox", timeout=120)
        statuses = {s: int(n) for s, n in self.sql("select status, count(*) from outbox_messages group by status")}
        received = len(list((self.maildir / "new").iterdir())) if (self.maildir / "new").is_dir() else 0
        print(f"  outbox after the worker host: {statuses}; the mail server received {received}")
        assert statuses.get("sent", 0) >= REGISTRATIONS, statuses
        assert received == statuses.get("sent", 0) - self.sent_before, "sent messages and received messages differ"


def main() -> int:
    if os.geteuid() != 0:
        print("The cluster test needs root (network namespaces).", file=sys.stderr)
        return 2
    for program in ("ip", "nginx", "pgbouncer", "redis-server", "psql"):
        if shutil.which(program) is None and not Path("/usr/sbin", program).exists():
            print(f"The cluster test needs {program}.", file=sys.stderr)
            return 2
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    work = Path(tempfile.mkdtemp(prefix="kurultai-cluster-"))
    work.chmod(0o755)
    run = Run(work)
    # The login limit last: it uses up this address's logins for a minute.
    checks = [run.registrations_while_a_host_dies, run.registrations_while_a_host_stops,
              run.publication_seen_on_the_other_host,
              run.load_balancer_caches_public_pages,
              run.photo_served_by_the_other_host, run.job_run_by_the_worker_host, run.mail_from_the_worker_host,
              run.readiness_follows_the_database, run.a_host_without_its_database_is_taken_out,
              run.login_limit_across_hosts]
    failed = 0
    try:
        print("Starting the cluster: load balancer, two web hosts, a worker host, PgBouncer, Redis")
        run.up()
        for check in checks:
            print(f"- {check.__name__.replace('_', ' ')}")
            try:
                check()
            except AssertionError as error:
                failed += 1
                print(f"  FAILED: {error}")
    except Exception:
        failed += 1
        for name in ("web1", "web2", "lb", "gate", "pgbouncer", "redis", "smtp", "s3", "worker", "jobs"):
            print(f"--- {name} log ---\n{run.procs.tail(name)}")
        raise
    finally:
        run.down()
        if failed:
            print(f"The hosts' logs are kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("cluster test:", "passed" if not failed else f"{failed} check(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
