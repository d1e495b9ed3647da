"""The reference deployment in deploy/: nginx accepts its configuration, gunicorn its
settings, and the systemd units start commands the application has."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "summit.example.org")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def nginx_site(tmp_path: Path, servers: list[str] | None = None, listen_http: int | None = None) -> Path:
    """deploy/nginx/ made runnable in `tmp_path`: the shipped files with only the
    addresses, ports and paths of this machine put in; returns the main configuration."""
    cert, key = _self_signed(tmp_path)
    upstream = (DEPLOY / "nginx" / "upstream.conf").read_text()
    if servers:
        lines = "".join(f"    server {s} max_fails=2 fail_timeout=10s;\n" for s in servers)
        upstream = re.sub(r"(    server .*\n)+", lines, upstream)
    site = (DEPLOY / "nginx" / "kurultai.conf").read_text()
    site = (site.replace("/etc/kurultai/tls/fullchain.pem", str(cert))
                .replace("/etc/kurultai/tls/privkey.pem", str(key))
                .replace("/var/cache/nginx/kurultai", str(tmp_path / "cache")))
    if listen_http:
        site = site.replace("listen 80;", f"listen 127.0.0.1:{listen_http};").replace("listen [::]:80;", "")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{listen_http + 1} ssl http2;")
        site = site.replace("listen [::]:443 ssl http2;", "")
    (tmp_path / "upstream.conf").write_text(upstream)
    (tmp_path / "kurultai.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(f"""pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/upstream.conf;
    include {tmp_path}/kurultai.conf;
}}
""")
    return main


def test_nginx_accepts_the_shipped_configuration(tmp_path):
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    main = nginx_site(tmp_path, servers=["127.0.0.1:9", "127.0.0.1:10"])
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
        assert "EnvironmentFile=/etc/kurultai/kurultai.env" in text, unit.name
        exec_start = re.search(r"^ExecStart=(.*)$", text, re.M).group(1).split()
        if exec_start[0].endswith("/flask"):
            started.append(exec_start[1])
            assert exec_start[1] in commands, f"{unit.name}: flask {exec_start[1]} does not exist"
        else:
            assert exec_start[0].endswith("/gunicorn") and "deploy/gunicorn.conf.py" in exec_start
    assert "send-mail" in started
