"""deploy/nginx/ made runnable on this machine: the shipped files with only addresses,
ports and paths replaced (used by tests/test_deploy.py and the cluster test)."""
from __future__ import annotations

import re
import sysconfig
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SHIPPED_RELEASE = "/srv/kurultai"
SHIPPED_SITE_PACKAGES = "/srv/kurultai/.venv/lib/python3.11/site-packages"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for summit.example.org, valid for a day."""
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


def nginx_site(directory: Path, servers: list[str], listen: str | None = None,
               http_port: int = 80, https_port: int = 443) -> Path:
    """Write a runnable copy of the shipped configuration into `directory`; the main file."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(directory)
    cache = directory / "cache"
    cache.mkdir(exist_ok=True)
    cache.chmod(0o777)
    upstream = (DEPLOY / "nginx" / "upstream.conf").read_text()
    lines = "".join(f"    server {s} max_fails=2 fail_timeout=10s;\n" for s in servers)
    upstream, replaced = re.subn(r"(    server [^\n]*\n)+", lines, upstream)
    assert replaced == 1, "upstream.conf: the server lines were not found"
    site = (DEPLOY / "nginx" / "kurultai.conf").read_text()
    replacements = {
        "/etc/kurultai/tls/fullchain.pem": str(cert),
        "/etc/kurultai/tls/privkey.pem": str(key),
        "/var/cache/nginx/kurultai": str(cache),
        "/var/log/nginx/kurultai.access.log": str(directory / "access.log"),
        SHIPPED_SITE_PACKAGES: sysconfig.get_paths()["purelib"],
        SHIPPED_RELEASE: str(ROOT),
    }
    for shipped, here in replacements.items():
        assert shipped in site, f"kurultai.conf no longer mentions {shipped}"
        site = site.replace(shipped, here)
    address = f"{listen}:" if listen else ""
    site = site.replace("listen 80;", f"listen {address}{http_port};").replace("listen [::]:80;", "")
    site = site.replace("listen 443 ssl http2;", f"listen {address}{https_port} ssl http2;")
    site = site.replace("listen [::]:443 ssl http2;", "")
    (directory / "upstream.conf").write_text(upstream)
    (directory / "kurultai.conf").write_text(site)
    main = directory / "nginx.conf"
    main.write_text(f"""worker_processes auto;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    include {directory}/upstream.conf;
    include {directory}/kurultai.conf;
}}
""")
    return main
