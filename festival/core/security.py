"""What every response carries: security headers, a request id, a log line (its path with
secret arguments masked, core.masking; no query string); and rate limits.

The Content-Security-Policy allows no inline script: every script is a file under /static.
Rate limits are settings (festival/config.py RATE_LIMITS); `RATELIMIT_ENABLED=false` turns
them off, e.g. for the load benchmarks. When their storage cannot be reached (Redis
restarting), a rate-limited route answers 503, a page or JSON saying so: it fails closed
rather than letting password guesses through unlimited, or counting them in each worker's
memory; /healthz says so too (`ratelimit_status`), so a load balancer can route around. Counts go to Redis with REDIS_URL (the app's
RATELIMIT_STORAGE_URI), so that every worker of every application server shares them; without
it they stay in each process's memory, which production accepts only with
RATELIMIT_SINGLE_PROCESS=true (festival/config.py).
"""
from __future__ import annotations

import ipaddress
import json
import logging
import re
import secrets
import time

from flask import Flask, abort, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.errors import StorageError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

from festival.core.errors import http_error_response
from festival.core.guards import refuse_unstorable_in_address
from festival.core.masking import masked_path

log = logging.getLogger("festival.requests")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # style attributes (gauges' widths); never scripts
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
])

IPV6_CLIENT_PREFIX = 64  # one customer line holds a whole /64


def client_key(address: str | None) -> str:
    """Who a client is, for counting its attempts: its IPv4 address, or the /64 network of
    its IPv6 address (a line gets 2^64 addresses and can take a new one for each try).
    Anything else is kept as it came (at most 64 characters)."""
    try:
        parsed = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return (address or "")[:64]
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


def _client_of_request() -> str:
    return client_key(get_remote_address())


# No storage here: an argument would win over the app's RATELIMIT_STORAGE_URI (Redis).
limiter = Limiter(key_func=_client_of_request)


def limit(setting: str, **kwargs):
    """Decorate a view with the rate limit named by a setting, read at request time."""
    return limiter.limit(lambda: current_app.config[setting], **kwargs)


RATE_LIMITS_UNAVAILABLE = _l("This page is briefly unavailable: its attempts cannot be "
                             "counted right now. Please try again in a moment.")


def _storage_failed(error: StorageError):
    log.error("rate-limit storage unavailable on %s %s: %s", request.method, request.path,
              error.storage_error)
    response = http_error_response(503, str(RATE_LIMITS_UNAVAILABLE))
    response.headers["Retry-After"] = "30"
    return response


def ratelimit_status() -> str:
    """"ok", "unavailable" (their storage does not answer) or "off"."""
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return "off"
    return "ok" if limiter.storage.check() else "unavailable"


def _refuse_unknown_host() -> None:
    """A Host (or, behind PROXY_COUNT proxies, X-Forwarded-Host) outside ALLOWED_HOSTS is
    refused with 400 before any other hook runs: no page, no form and no link is ever made
    for a host an attacker names."""
    try:
        get_host(request.environ, current_app.config["ALLOWED_HOSTS"])
    except SecurityError:
        abort(400, description=_l("This address is not served here."))


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else secrets.token_hex(8)


def _finish(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Order links carry their secret in the query string: never send them to another site.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["FESTIVAL_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    request_id = g.get("request_id")
    if request_id:
        headers["X-Request-ID"] = request_id
    if current_app.config.get("JSON_REQUEST_LOG"):
        started = g.get("request_started")
        log.info(json.dumps({
            "request_id": request_id, "method": request.method,
            "path": masked_path(request.path, request.view_args),
            "status": response.status_code, "remote": request.remote_addr,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "endpoint": request.endpoint,
        }, separators=(",", ":")))
    return response


def init_security(app: Flask) -> None:
    if app.config.get("PROXY_COUNT"):
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.config.setdefault("JSON_REQUEST_LOG", app.config["FESTIVAL_ENV"] == "production")
    # First of all the hooks, the extensions' included (CSRF is bound before this runs).
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_unknown_host)
    app.before_request(_start)
    app.before_request(refuse_unstorable_in_address)
    app.after_request(_finish)
    app.register_error_handler(StorageError, _storage_failed)
    limiter.init_app(app)
