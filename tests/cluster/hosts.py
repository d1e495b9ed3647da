"""The cluster test's machinery: network namespaces standing for machines, the processes
run in them, a person's browser as a client, and the environment of a Kurultai host."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import requests
import urllib3
from lxml import html

ROOT = Path(__file__).resolve().parents[2]

NET = "10.77.0"
GATEWAY = f"{NET}.1"
HOSTS = {"lb": 10, "web1": 11, "web2": 12, "worker": 13}
BRIDGE = "ktbr0"
DATABASE = "kurultai_cluster"
SLUG = "astana-2027"
SITE = "summit.example.org"
PUBLIC_CACHE_TTL = 1.0
BUCKET = "kurultai-cluster"
REGISTRATIONS = 300
CLIENTS = 12
VENV = Path(sys.executable).parent

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=check, capture_output=True, text=True)


def ns(host: str) -> list[str]:
    return ["ip", "netns", "exec", f"kt-{host}"]


class Network:
    """A bridge with the gateway address, one namespace per host joined to it."""

    def up(self) -> None:
        self.down()
        sh("ip", "link", "add", BRIDGE, "type", "bridge")
        sh("ip", "addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
        sh("ip", "link", "set", BRIDGE, "up")
        for host, octet in HOSTS.items():
            name, outside, inside = f"kt-{host}", f"kt{octet}", f"kt{octet}i"
            sh("ip", "netns", "add", name)
            sh("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            sh("ip", "link", "set", inside, "netns", name)
            sh("ip", "link", "set", outside, "master", BRIDGE)
            sh("ip", "link", "set", outside, "up")
            sh(*ns(host), "ip", "addr", "add", f"{NET}.{octet}/24", "dev", inside)
            sh(*ns(host), "ip", "link", "set", inside, "up")
            sh(*ns(host), "ip", "link", "set", "lo", "up")

    def down(self) -> None:
        for host, octet in HOSTS.items():
            sh("ip", "netns", "del", f"kt-{host}", check=False)
            sh("ip", "link", "del", f"kt{octet}", check=False)
        sh("ip", "link", "del", BRIDGE, check=False)


class Processes:
    def __init__(self, work: Path):
        self.work = work
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict | None = None, host: str | None = None) -> None:
        log = open(self.work / f"{name}.log", "ab")
        command = (ns(host) if host else []) + argv
        self.running[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.work / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class Client:
    """One person's browser: cookies kept by hand (the URL names an address, the
    cookies the site), redirects not followed, every answer recorded."""

    def __init__(self, base: str, log: list, direct: bool = False):
        self.base, self.log, self.direct = base, log, direct
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def on(self, base: str) -> "Client":
        """The same person (same cookies) reaching another address."""
        other = Client(base, self.log, direct=self.direct)
        other.cookies = dict(self.cookies)
        return other

    def log_in(self, email: str, password: str = "summit-demo") -> None:
        fields = self.form("account/login")
        fields.update({"email": email, "password": password})
        answer = self.request("POST", "account/login", data=fields)
        assert answer.status_code == 302, f"login of {email}: {answer.status_code}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": SITE, **kwargs.pop("headers", {})}
        if method == "POST":  # a browser names the page the form was on (the CSRF check reads it)
            headers.setdefault("Referer", f"https://{SITE}/{path}")
        if self.direct:  # as the load balancer would say it
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, urljoin(self.base, path), headers=headers, verify=False,
                                     allow_redirects=False, timeout=60, **kwargs)
        # The cookies name the site, not the address asked: read them off the headers.
        for header in response.raw.headers.getlist("Set-Cookie"):
            name, _, value = header.split(";", 1)[0].partition("=")
            if "expires=thu, 01 jan 1970" in header.lower() or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        self.log.append((method, path, response.status_code))
        return response

    def form(self, path: str, choices: bool = False, full: bool = False) -> dict:
        """The hidden fields of the page's form (its CSRF token); with `choices`, also the
        first offered value of every list and group of radio buttons, as a hurried person
        picks; with `full`, every value the form shows (to send it back as it is)."""
        page = self.request("GET", path)
        assert page.status_code == 200, f"GET {path}: {page.status_code}"
        form = html.fromstring(page.text).xpath("//main//form[.//input[@name='csrf_token']]")[0]
        fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']")}
        if full:
            for field in form.xpath(".//input[@name][not(@type) or @type='text' or @type='email' or @type='url'"
                                    " or @type='tel' or @type='number' or @type='date']"):
                fields[field.get("name")] = field.get("value") or ""
            for field in form.xpath(".//input[@name][@type='checkbox' or @type='radio'][@checked]"):
                fields[field.get("name")] = field.get("value") or "y"
            for field in form.xpath(".//textarea[@name]"):
                fields[field.get("name")] = field.text or ""
            for field in form.xpath(".//select[@name]"):
                chosen = field.xpath(".//option[@selected]/@value")
                if chosen:
                    fields[field.get("name")] = chosen[0]
        if choices:
            for select in form.xpath(".//select"):
                offered = [v for v in select.xpath("./option/@value | ./optgroup/option/@value") if v]
                if offered:
                    fields[select.get("name")] = offered[0]
            for radio in form.xpath(".//input[@type='radio']"):
                fields.setdefault(radio.get("name"), radio.get("value"))
        return fields


def app_env(work: Path, host: str, secret: str, password: str) -> dict:
    env = {
        "PATH": f"{VENV}:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
        "FLASK_APP": "wsgi.py",
        "KURULTAI_ENV": "production",
        "SECRET_KEY": secret,
        "SERVER_NAME": SITE,
        "DATABASE_URL": f"postgresql://kurultai:{password}@{GATEWAY}:6432/{DATABASE}",
        "DATABASE_POOLER": "pgbouncer",
        "RATELIMIT_STORAGE_URI": f"redis://:{password}@{GATEWAY}:6380/0",
        "RATELIMIT_LOGIN": "10 per minute",
        "RATELIMIT_SENSITIVE": "100000 per hour",  # 300 sign-ups come from one test address
        "TRUSTED_PROXIES": "1",
        "FORWARDED_ALLOW_IPS": f"{NET}.{HOSTS['lb']}",
        "PUBLIC_CACHE_TTL": str(PUBLIC_CACHE_TTL),
        "KURULTAI_INSTANCE_DIR": str(work / host / "instance"),
        "KURULTAI_BIND": f"{NET}.{HOSTS.get(host, 0)}:8000",
        "WEB_CONCURRENCY": "2",
        "MAIL_SERVER": GATEWAY,
        "MAIL_PORT": "8025",
        "MAIL_CLAIM_BATCH": "20",
        # Files in a bucket every host reaches, jobs in a queue every host shares.
        "STORAGE_URL": f"s3://{BUCKET}/uploads",
        "S3_ENDPOINT_URL": f"http://{GATEWAY}:9000",
        "S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "cluster",
        "AWS_SECRET_ACCESS_KEY": "cluster-secret",
        "JOBS_URL": f"redis://:{password}@{GATEWAY}:6380/1",
        "BADGES_JOB_THRESHOLD": "5",
    }
    (work / host / "instance").mkdir(parents=True, exist_ok=True)
    return env


def wait_for(check, what: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    return requests.get(url, headers={"Host": SITE, "X-Forwarded-Proto": "https"}, timeout=5,
                        verify=False).status_code == 200


