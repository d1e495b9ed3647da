"""HTTP checks of the production smoke test, with the standard library only.

Talks to gunicorn as a TLS-terminating proxy would (X-Forwarded-Proto: https,
X-Forwarded-For) and keeps cookies itself: the session cookie is Secure, and the
standard cookie jar would not send it back over the plain connection to gunicorn.

    python smoke_client.py <port> <admin email> <admin password>
"""
from __future__ import annotations

import http.client
import json
import re
import sys
import time
import xml.etree.ElementTree as ElementTree
from http.cookies import SimpleCookie
from urllib.parse import urlencode

EVENT = "astana-2027"


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": "203.0.113.7", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Flask-WTF checks the Referer of HTTPS posts, as a browser sends it.
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                check(morsel["secure"] is True, f"cookie {name} is not Secure: {header}")
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers), text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"smoke test failed: {message}")


def wait_until_up(browser: Browser) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _headers, body = browser.get("/healthz")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("smoke test failed: gunicorn did not answer within 60 s")
            time.sleep(0.5)
    check(status == 200, f"/healthz answered {status}: {body[:200]}")
    check(json.loads(body) == {"status": "ok"}, f"/healthz said {body}")
    print("ok  /healthz")
    status, _headers, body = browser.get("/readyz")
    check(status == 200, f"/readyz answered {status}: {body[:300]}")
    check(json.loads(body) == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "storage": "ok",
                                                          "migrations": "ok"}}, f"/readyz said {body}")
    print("ok  /readyz (database, Redis, storage, migrations)")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    check(match is not None, "no CSRF token on the login page")
    return match[1]


def main() -> None:
    port, email, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    browser = Browser(port)
    wait_until_up(browser)

    status, headers, body = browser.get(f"/e/{EVENT}/agenda")
    check(status == 200, f"public agenda answered {status}")
    check("Hall A: Water" in body, "the public agenda does not show the demo's sessions")
    check(headers.get("Strict-Transport-Security", "").startswith("max-age="), "no HSTS header in production")
    print("ok  public agenda")

    status, _headers, body = browser.get(f"/e/{EVENT}/schedule.xml")
    check(status == 200, f"schedule.xml answered {status}")
    check(len(ElementTree.fromstring(body.encode()).findall(".//event")) > 0, "schedule.xml lists no sessions")
    print("ok  schedule.xml")

    status, _headers, body = browser.get("/account/login")
    check(status == 200, f"login page answered {status}")
    check("kurultai_session" in browser.cookies, "the login page set no session cookie")
    token = csrf_token(body)
    status, _headers, _body = browser.post("/account/login", {"email": email, "password": "wrong password"})
    check(status == 400, f"a login without CSRF token answered {status}, not 400")
    status, _headers, body = browser.post("/account/login", {"email": email, "password": "not the password",
                                                             "csrf_token": token})
    check(status == 200, f"a wrong password answered {status}, not the form again")
    status, headers, _body = browser.post("/account/login", {"email": email, "password": password,
                                                             "csrf_token": csrf_token(body)})
    check(status in (302, 303), f"a right password answered {status}, not a redirect")
    status, _headers, body = browser.get("/admin/")
    check(status == 200 and email in body, f"the administrator's page answered {status} after logging in")
    print("ok  login")


if __name__ == "__main__":
    main()
