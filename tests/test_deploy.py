"""The example nginx configuration: compression, caching of static files, and valid syntax."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import IN_CI

NGINX_EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf.example"


def _directives(text: str) -> dict[str, str]:
    text = re.sub(r"#[^\n]*", "", text)
    return {m[1]: " ".join(m[2].split()) for m in re.finditer(r"(\w+)\s+([^;{}]*);", text)}


def test_nginx_compresses_text_and_caches_versioned_static_files():
    text = NGINX_EXAMPLE.read_text()
    directives = _directives(text)
    assert directives["gzip"] == "on" and directives["gzip_vary"] == "on"
    assert directives["gzip_proxied"] == "any"
    types = set(directives["gzip_types"].split())
    assert {"text/css", "text/javascript", "application/javascript", "application/json",
            "image/svg+xml", "application/xml", "text/calendar"} <= types
    static = text[text.index("location /static/"):]
    assert "alias " in static.split("}")[0] and "$almoggar_static_cache" in static.split("}")[0]
    cache_map = text[text.index("map $arg_v $almoggar_static_cache"):].split("}")[0]
    assert '""      "no-cache"' in cache_map
    assert 'default "public, max-age=31536000, immutable"' in cache_map


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.x509.oid import NameOID

    key = Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "billetterie.almoggar.example")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + timedelta(days=1)).sign(key, None))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.mark.skipif(not IN_CI and shutil.which("nginx") is None,  # CI installs it
                    reason="nginx is not installed here")
def test_nginx_accepts_the_example(tmp_path):
    """`nginx -t` on the example, with only what exists in production swapped: the
    application servers' names and the certificate files."""
    cert, key = _self_signed(tmp_path)
    text = NGINX_EXAMPLE.read_text()
    text = re.sub(r"app\d\.internal", "127.0.0.1", text)
    text = re.sub(r"ssl_certificate /\S+;", f"ssl_certificate {cert};", text)
    text = re.sub(r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};", text)
    (tmp_path / "almoggar.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/almoggar.conf;\n}}\n")
    result = subprocess.run([shutil.which("nginx"), "-t", "-e", "stderr", "-p", str(tmp_path),
                             "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
