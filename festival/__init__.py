"""Almoggar: the festival and ticketing service of the Coordination N'Souss Massa."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from festival.config import ConfigError, load_config
from festival.core.i18n import select_locale
from festival.core.routing import init_routing
from festival.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. `config` (tests) overrides what the environment gives."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=False,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    overrides = dict(config or {})
    try:
        settings = load_config(overrides.pop("ENVIRON", None), app.instance_path)
    except ConfigError as error:
        # One clear line on start-up, not a traceback.
        print(f"almoggar: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    app.config.update(settings)
    app.config.update(overrides)
    app.config.setdefault("UPLOAD_FOLDER", str(Path(app.instance_path) / "uploads"))
    app.config.setdefault("CACHE_FOLDER", str(Path(app.instance_path) / "cache"))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("festival").setLevel(logging.INFO)

    init_routing(app)
    _init_extensions(app)
    _register_blueprints(app)

    # (cycle: festival ↔ every module under it, which loads this package first)
    from festival.core.access import check_declared, init_access
    from festival.core.errors import register_error_handlers
    from festival.core.security import init_security
    from festival.core.unit_of_work import init_unit_of_work
    init_unit_of_work(app)
    init_security(app)
    init_access(app)
    from festival.audit.services import init_audit
    init_audit(app)
    _register_loaders(app)
    register_error_handlers(app)
    check_declared(app)

    from festival.cli import register_commands
    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    # (cycle: festival ↔ every module under it, which loads this package first)
    from festival import models  # noqa: F401  (every model, for Alembic and the mappers)
    from festival.core import assets, compression, jsonbody, templating

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_domain="messages",
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(session_id: str):
        from festival.accounts.services import user_for_session  # (cycle: as above)
        return user_for_session(session_id)

    jsonbody.init_app(app)
    templating.init_app(app)
    assets.init_app(app)
    compression.init_app(app)  # registered first, so it runs after every other after_request


def _register_loaders(app: Flask) -> None:
    """The core knows no domain: the domains hand it what it looks up."""
    # (cycle: festival ↔ every module under it, which loads this package first)
    from festival.accounts.services import UNAUTHORIZED, principal_for_bearer
    from festival.core.access import register_principal_loader
    from festival.core.views import register_home_page
    from festival.editions.queries import home_page
    register_principal_loader(app, principal_for_bearer, UNAUTHORIZED)
    register_home_page(app, home_page)


def _register_blueprints(app: Flask) -> None:
    # (cycle: festival ↔ every module under it, which loads this package first)
    from festival.accounts.views import bp as accounts
    from festival.api import api
    from festival.associations.views import bp as associations
    from festival.core.views import bp as core
    from festival.editions.manage_programme_views import bp as manage_programme
    from festival.editions.manage_views import bp as manage_editions
    from festival.editions.views import bp as editions
    from festival.mail.views import bp as mail

    for blueprint in (core, accounts, associations):
        app.register_blueprint(blueprint)
    app.register_blueprint(mail)
    for blueprint in (editions, manage_editions, manage_programme):
        app.register_blueprint(blueprint)
    from festival.messaging.views import bp as messaging
    app.register_blueprint(messaging)
    from festival.privacy.views import bp as privacy
    app.register_blueprint(privacy)
    from festival.audit.views import bp as audit
    app.register_blueprint(audit)
    from festival.payments import provider as payment_provider
    from festival.payments.views import bp as payments
    from festival.ticketing import views as ticketing  # the buyers' and the back office's
    app.register_blueprint(ticketing.bp)
    app.register_blueprint(ticketing.manage_bp)
    app.register_blueprint(payments)
    payment_provider.init_app(app)
    from festival.checkin import manage_views as checkin_back_office, views as checkin_views
    app.register_blueprint(checkin_views.bp)
    app.register_blueprint(checkin_back_office.bp)
    from festival.dashboard.views import bp as dashboard
    app.register_blueprint(dashboard)
    from festival.outreach.views import bp as outreach
    app.register_blueprint(outreach)
    from festival.waitlist.views import bp as waitlist
    app.register_blueprint(waitlist)
    from festival.volunteers.views import bp as volunteers
    app.register_blueprint(volunteers)
    from festival.accounting.views import bp as accounting
    app.register_blueprint(accounting)
    from festival.proposals.views import bp as proposals
    app.register_blueprint(proposals)
    # RFC 8058: a mail client's one-click POST carries no CSRF token; the signed token decides.
    csrf.exempt("festival.outreach.views.unsubscribe")
    csrf.exempt(payments)  # Stripe signs its webhooks; there is no form and no cookie
    csrf.exempt(api)  # the API authenticates with bearer tokens, never the session cookie
    app.register_blueprint(api)
    for name, blueprint in app.blueprints.items():  # Flask-WTF checks the nested one's name
        if name.startswith("api."):
            csrf.exempt(blueprint)
