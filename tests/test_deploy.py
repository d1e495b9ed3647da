"""The reference deployment in deploy/: nginx accepts its configuration, gunicorn its
settings, and the systemd units start commands the application has."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cluster.nginx import DEPLOY, nginx_site


def test_nginx_accepts_the_shipped_configuration(tmp_path):
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    main = nginx_site(tmp_path, servers=["127.0.0.1:9", "127.0.0.1:10"], listen="127.0.0.1",
                      http_port=18080, https_port=18443)
    result = subprocess.run([nginx, "-t", "-q", "-c", str(main), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_gunicorn_settings_fit_the_longest_request_and_the_proxy(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    assert settings["workers"] == 3
    assert settings["graceful_timeout"] <= settings["timeout"]
    proxy = (DEPLOY / "nginx" / "kurultai.conf").read_text()
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", proxy).group(1))
    assert read_timeout > settings["timeout"], "nginx must wait for gunicorn's slowest request"
    unit = (DEPLOY / "systemd" / "kurultai-web.service").read_text()
    stop = int(re.search(r"TimeoutStopSec=(\d+)", unit).group(1))
    assert stop > settings["graceful_timeout"], "systemd must let gunicorn finish the requests under way"


def test_the_units_start_commands_the_application_has(app):
    commands = set(app.cli.list_commands(None)) if hasattr(app.cli, "list_commands") else set()
    commands |= set(app.cli.commands)
    started = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text()
        exec_start = re.search(r"^ExecStart=(.*)$", text, re.M).group(1).split()
        if unit.name == "kurultai-readiness-gate.service":  # on the load balancer, without the app
            assert exec_start[1] == "/srv/kurultai/deploy/nginx/readiness_gate.py"
            assert (DEPLOY / "nginx" / "readiness_gate.py").exists()
            continue
        assert "EnvironmentFile=/etc/kurultai/kurultai.env" in text, unit.name
        if exec_start[0].endswith("/flask"):
            started.append(exec_start[1])
            assert exec_start[1] in commands, f"{unit.name}: flask {exec_start[1]} does not exist"
        else:
            assert exec_start[0].endswith("/gunicorn") and "deploy/gunicorn.conf.py" in exec_start
    assert "send-mail" in started
