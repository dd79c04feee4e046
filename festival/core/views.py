"""Site-wide pages: home, language switch, legal pages and the health check."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import text

from festival.core.access import public
from festival.core.i18n import LANG_COOKIE
from festival.core.legal import legal_context
from festival.core.security import ratelimit_status
from festival.extensions import db

bp = Blueprint("core", __name__)

# The core knows no domain: the editions register at start-up what the home page shows.
_HOME_PAGE = "festival.core.home_page"


def register_home_page(app: Flask, loader: Callable[[], dict]) -> None:
    """`loader()` gives the home page template's variables."""
    app.extensions[_HOME_PAGE] = loader


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths are followed after a redirect."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/")
@public
def home():
    return render_template("core/home.html", **current_app.extensions[_HOME_PAGE]())


@bp.get("/lang/<code>")
@public
def set_language(code: str):
    target = safe_next(request.args.get("next"), url_for("core.home"))
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


@bp.get("/legal")
@public
def legal():
    return render_template("core/legal.html", **legal_context())


@bp.get("/privacy")
@public
def privacy():
    return render_template("core/privacy.html",
                           retention_months=current_app.config["PRIVACY_RETENTION_MONTHS"])


@bp.get("/healthz")
@public
def healthz():
    """The database, and the rate limits' storage: without it the rate-limited pages (login,
    the shop's purchase) answer 503, so the service is not healthy either."""
    ratelimit = ratelimit_status()
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception:  # any failure of the round-trip means the service cannot work
        return jsonify(status="unavailable", database="unreachable", ratelimit=ratelimit), 503
    if ratelimit == "unavailable":
        return jsonify(status="unavailable", database="ok", ratelimit=ratelimit), 503
    return jsonify(status="ok", database="ok", ratelimit=ratelimit)
