"""Settings read from the environment and checked once at start-up.

Every setting is documented in the README. A bad value raises ConfigError with one line that
names the variable and what is expected; the factory turns it into a clean exit.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "production")
DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1")
LANGUAGES = ("fr", "en", "ar", "tzm")
# How the Tamazight interface is written: Tifinagh, or its Latin transcription.
TAMAZIGHT_SCRIPTS = ("tfng", "latn")
# One e-mail address, nothing around it (no list, no name, no mailto: parameters).
_EMAIL = re.compile(r"[^@\s<>,;?&]+@[^@\s<>,;?&]+\.[^@\s<>,;?&]+")


# Each limit is a setting (flask-limiter's notation); the defaults make brute force hopeless.
RATE_LIMITS = {
    "RATE_LIMIT_LOGIN": "10 per minute; 50 per hour",
    "RATE_LIMIT_PASSWORD_RESET": "5 per hour",
    "RATE_LIMIT_ORDER_CREATE": "20 per minute",
    "RATE_LIMIT_ORDER_LOOKUP": "30 per minute; 300 per hour",
    "RATE_LIMIT_TICKET_PDF": "10 per minute; 60 per hour",
    "RATE_LIMIT_CHECKIN_SEARCH": "60 per minute",
    "RATE_LIMIT_PAIRING": "10 per minute; 30 per hour",
    "RATE_LIMIT_ASSOCIATION_APPLY": "10 per hour; 30 per day",
    "RATE_LIMIT_ORDER_CHANGE": "10 per minute; 30 per hour",
}
_LIMIT = re.compile(r"\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?"
                    r"(\s*;\s*\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?)*")


# Who sells the tickets and publishes the site (the terms of sale, the legal notice). Each
# has a demo value, shown marked as an example until the setting is given.
LEGAL_SETTINGS = {
    "SELLER_NAME": "Coordination N’Souss Massa (CNSM)",
    "SELLER_LEGAL_FORM": "Association loi 1901",
    "SELLER_ADDRESS": "12 rue de l’Exemple, 75011 Paris, France",
    "SELLER_REGISTRATION": "RNA W751000000",
    "SELLER_EMAIL": "contact@almoggar.example",
    "SELLER_VAT_NUMBER": "",
    "PUBLICATION_DIRECTOR": "Prénom Nom, président·e de la CNSM",
    "HOSTING_NAME": "Hébergeur Exemple SAS",
    "HOSTING_ADDRESS": "1 avenue de l’Exemple, 59100 Roubaix, France",
    "HOSTING_CONTACT": "+33 1 23 45 67 89",
}


# The association's tax receipts for donations (accounting/receipts.py): whether it may issue
# them (an association "d'intérêt général"), and the details the Cerfa 11580 model asks for.
# Empty registration and address fall back to the seller's.
RECEIPT_SETTINGS = ("RECEIPT_REGISTRATION", "RECEIPT_ADDRESS", "RECEIPT_OBJECT",
                    "RECEIPT_SIGNATORY_NAME", "RECEIPT_SIGNATORY_ROLE", "VAT_EXEMPTION_MENTION")
RECEIPT_REQUIRED = ("RECEIPT_OBJECT", "RECEIPT_SIGNATORY_NAME", "RECEIPT_SIGNATORY_ROLE")
CGI_ARTICLES = {"200": ("200",), "238 bis": ("238 bis",), "200,238 bis": ("200", "238 bis")}


_HOST = re.compile(r"(?P<host>\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:\d{1,5})?")


class ConfigError(Exception):
    """A setting is missing or has a value the service cannot use."""


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 0,
         maximum: int | None = None) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ConfigError(f"{name} must be between {minimum}{upper}, not {value}")
    return value


def _legal(environ: Mapping[str, str]) -> dict:
    """The seller's and the host's details, and LEGAL_EXAMPLES: the names of those left to
    their demo value (the pages mark them as examples). SELLER_VAT_NUMBER has no demo value:
    empty, the terms say VAT does not apply."""
    values: dict = {}
    examples = []
    for name, default in LEGAL_SETTINGS.items():
        raw = " ".join((environ.get(name) or "").split())  # one line, as the pages show it
        if len(raw) > 300 or any(ord(ch) < 32 or ch in "<>" for ch in raw):
            raise ConfigError(f"{name} must be one line of at most 300 characters, "
                              "without < or >")
        if not raw and default:
            examples.append(name)
        values[name] = raw or default
    if not _EMAIL.fullmatch(values["SELLER_EMAIL"]):
        raise ConfigError(f"SELLER_EMAIL must be an e-mail address, "
                          f"not {values['SELLER_EMAIL']!r}")
    values["LEGAL_EXAMPLES"] = frozenset(examples)
    return values


def _receipts(environ: Mapping[str, str], legal: dict) -> dict:
    """The receipt settings; RECEIPTS_ENABLED=true needs the association's object and its
    signatory, since a receipt without them is worth nothing."""
    values: dict = {"RECEIPTS_ENABLED": _bool(environ, "RECEIPTS_ENABLED", False)}
    for name in RECEIPT_SETTINGS:
        raw = " ".join((environ.get(name) or "").split())
        if len(raw) > 300 or any(ord(ch) < 32 or ch in "<>" for ch in raw):
            raise ConfigError(f"{name} must be one line of at most 300 characters, "
                              "without < or >")
        values[name] = raw
    values["RECEIPT_REGISTRATION"] = (values["RECEIPT_REGISTRATION"]
                                      or legal["SELLER_REGISTRATION"])
    values["RECEIPT_ADDRESS"] = values["RECEIPT_ADDRESS"] or legal["SELLER_ADDRESS"]
    article = " ".join((environ.get("RECEIPT_CGI_ARTICLES") or "200").split())
    article = article.replace(", ", ",")
    if article not in CGI_ARTICLES:
        raise ConfigError("RECEIPT_CGI_ARTICLES must be 200, 238 bis or 200,238 bis, "
                          f"not {article!r}")
    values["RECEIPT_CGI_ARTICLES"] = CGI_ARTICLES[article]
    if values["RECEIPTS_ENABLED"]:
        missing = [name for name in RECEIPT_REQUIRED if not values[name]]
        if missing:
            raise ConfigError(f"{missing[0]} must be set when RECEIPTS_ENABLED=true")
    return values


def _binds(database_url: str) -> dict:
    """On PostgreSQL, a second engine on the same database for the scan at the door
    (checkin.services._alone): its one statement is atomic by itself, so its connections
    stay in autocommit mode, and it skips the pool's ping before each use (a lost
    connection shows in the statement itself, which is then sent again when the retry is
    recognisable). Every other query goes through the default engine."""
    if not database_url.startswith("postgresql"):
        return {}
    return {"door": {"url": database_url, "isolation_level": "AUTOCOMMIT",
                     "pool_pre_ping": False, "pool_reset_on_return": None}}


def _allowed_hosts(environ: Mapping[str, str], public_url: str) -> tuple[str, ...]:
    """ALLOWED_HOSTS (comma-separated host names, a port is ignored), and PUBLIC_URL's host.
    A request for any other Host is refused, in every mode."""
    raw = environ.get("ALLOWED_HOSTS")
    names = DEFAULT_ALLOWED_HOSTS if raw is None or not raw.strip() else raw.split(",")
    hosts = []
    public_host = urlsplit(public_url).hostname or ""
    if ":" in public_host:  # an IPv6 address
        public_host = f"[{public_host}]"
    for name in [*names, public_host]:
        name = name.strip().lower()
        if not name:
            continue
        found = _HOST.fullmatch(name)
        host = found and found.group("host")  # without its port
        if not host:
            raise ConfigError(f"ALLOWED_HOSTS must list host names separated by commas, "
                              f"not {name!r}")
        if host not in hosts:
            hosts.append(host)
    return tuple(hosts)


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith(("postgresql+psycopg://", "sqlite://")):
        return url
    raise ConfigError(
        "DATABASE_URL must start with postgresql:// or sqlite:///, "
        f"not {url.split(':', 1)[0]!r}"
    )


def _secret_key(environ: Mapping[str, str], env: str, instance_path: Path) -> str:
    key = environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 16:
            raise ConfigError("SECRET_KEY must be at least 16 characters long")
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set when FESTIVAL_ENV=production")
    # Development: make one once and keep it, so sessions survive a restart.
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(environ: Mapping[str, str] | None = None,
                instance_path: str | os.PathLike[str] = "instance") -> dict:
    """Read every setting from `environ` (the process environment by default)."""
    environ = os.environ if environ is None else environ
    instance = Path(instance_path)
    env = environ.get("FESTIVAL_ENV", "development").strip().lower() or "development"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"FESTIVAL_ENV must be development or production, not {env!r}")
    production = env == "production"
    secret_key = _secret_key(environ, env, instance)

    database_url = environ.get("DATABASE_URL", "")
    if database_url:
        database_url = normalise_database_url(database_url)
    else:
        database_url = f"sqlite:///{(instance / 'almoggar.sqlite').resolve()}"

    mail_server = environ.get("MAIL_SERVER", "")
    mail_tls = _bool(environ, "MAIL_USE_TLS", False)
    mail_ssl = _bool(environ, "MAIL_USE_SSL", False)
    if mail_tls and mail_ssl:
        raise ConfigError("MAIL_USE_TLS and MAIL_USE_SSL cannot both be true")

    # The announcements' List-Unsubscribe also names this mailbox (mailto:), when set.
    unsubscribe_to = environ.get("MAIL_UNSUBSCRIBE_TO", "").strip()
    if unsubscribe_to and (not _EMAIL.fullmatch(unsubscribe_to)):
        raise ConfigError("MAIL_UNSUBSCRIBE_TO must be one e-mail address (a@b.example)")

    tamazight_script = (environ.get("TAMAZIGHT_SCRIPT") or "tfng").strip().lower()
    if tamazight_script not in TAMAZIGHT_SCRIPTS:
        raise ConfigError(f"TAMAZIGHT_SCRIPT must be tfng or latn, not {tamazight_script!r}")

    stripe_key = environ.get("STRIPE_SECRET_KEY", "")
    if stripe_key and not stripe_key.startswith(("sk_", "rk_")):
        raise ConfigError("STRIPE_SECRET_KEY must start with sk_ or rk_")
    stripe_base = environ.get("STRIPE_API_BASE", "")
    if stripe_base and not stripe_base.startswith(("http://", "https://")):
        raise ConfigError("STRIPE_API_BASE must be an http:// or https:// address")
    if production and not stripe_key and _bool(environ, "DEMO_PAYMENTS", False):
        raise ConfigError("DEMO_PAYMENTS cannot be enabled when FESTIVAL_ENV=production")

    # Every absolute link (e-mails, Stripe's return URLs, the API) starts with PUBLIC_URL,
    # never with the Host a client sends (festival/core/urls.py).
    public_url = environ.get("PUBLIC_URL", "").strip().rstrip("/")
    if public_url and not (public_url.startswith(("http://", "https://"))
                           and urlsplit(public_url).hostname):
        raise ConfigError("PUBLIC_URL must start with http:// or https:// and name a host")
    if production and not public_url:
        raise ConfigError("PUBLIC_URL must be set when FESTIVAL_ENV=production "
                          "(e.g. https://billetterie.almoggar.example)")
    allowed_hosts = _allowed_hosts(environ, public_url)
    # Without PUBLIC_URL, links made outside a request (`flask devices pair`) lead to the
    # local server on the port it listens on (PORT, as scripts/serve and gunicorn read it).
    development_url = f"http://127.0.0.1:{_int(environ, 'PORT', 5000, 1, 65535)}"

    redis_url = environ.get("REDIS_URL", "")
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
    # Rate-limit counts go to REDIS_URL, shared by every worker of every server. Without it
    # they stay in each process's memory, where several workers each count alone: production
    # refuses that unless RATELIMIT_SINGLE_PROCESS=true says one process serves alone (one
    # gunicorn worker, one server), or RATELIMIT_ENABLED=false turns the limits off.
    ratelimit_enabled = _bool(environ, "RATELIMIT_ENABLED", True)
    single_process = _bool(environ, "RATELIMIT_SINGLE_PROCESS", False)
    if production and ratelimit_enabled and not redis_url and not single_process:
        raise ConfigError("REDIS_URL must be set when FESTIVAL_ENV=production "
                          "(or RATELIMIT_SINGLE_PROCESS=true when one process serves alone)")
    limits = {}
    for name, default in RATE_LIMITS.items():
        value = environ.get(name, default).strip()
        if not _LIMIT.fullmatch(value):
            raise ConfigError(f"{name} must read like '10 per minute', not {value!r}")
        limits[name] = value

    legal = _legal(environ)
    return {
        **limits,
        "RATELIMIT_ENABLED": ratelimit_enabled,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # A storage that fails raises limits' StorageError: core.security answers 503.
        "RATELIMIT_STORAGE_OPTIONS": {"wrap_exceptions": True},
        "RATELIMIT_HEADERS_ENABLED": True,
        "PROXY_COUNT": _int(environ, "PROXY_COUNT", 0, 0, 5),
        "PRIVACY_RETENTION_MONTHS": _int(environ, "PRIVACY_RETENTION_MONTHS", 13, 1, 120),
        # Answers about health or access, kept this many days after the festival's last day.
        "SENSITIVE_ANSWERS_DAYS": _int(environ, "SENSITIVE_ANSWERS_DAYS", 30, 1, 400),
        "WAITLIST_OFFER_HOURS": _int(environ, "WAITLIST_OFFER_HOURS", 24, 1, 168),
        "WAITLIST_MAX_QUANTITY": _int(environ, "WAITLIST_MAX_QUANTITY", 4, 1, 20),
        # Volunteers sign up for and withdraw from a shift until this many hours before it.
        "VOLUNTEER_DEADLINE_HOURS": _int(environ, "VOLUNTEER_DEADLINE_HOURS", 24, 0, 336),
        # Buyers correct names and their address until this many hours before the festival;
        # a ticket changes hands at most so many times, an order's tickets so many in all.
        "ORDER_CHANGES_CLOSE_HOURS": _int(environ, "ORDER_CHANGES_CLOSE_HOURS", 48, 0, 720),
        "TRANSFERS_PER_TICKET": _int(environ, "TRANSFERS_PER_TICKET", 3, 0, 20),
        "TRANSFERS_PER_ORDER": _int(environ, "TRANSFERS_PER_ORDER", 10, 0, 200),
        "FESTIVAL_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLALCHEMY_BINDS": _binds(database_url),
        "PUBLIC_URL": public_url,
        "DEVELOPMENT_URL": development_url,
        "ALLOWED_HOSTS": allowed_hosts,  # any other Host is refused (core/security.py)
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int(environ, "MAIL_PORT", 465 if mail_ssl else (587 if mail_tls else 25),
                          1, 65535),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": mail_tls,
        "MAIL_USE_SSL": mail_ssl,
        "MAIL_FROM": environ.get("MAIL_FROM", "Almoggar <billetterie@almoggar.example>"),
        "MAIL_UNSUBSCRIBE_TO": unsubscribe_to,
        "STRIPE_SECRET_KEY": stripe_key,
        "STRIPE_WEBHOOK_SECRET": environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": stripe_base,
        "DEMO_PAYMENTS": (not production) and not stripe_key,
        **legal,
        **_receipts(environ, legal),
        "MAX_CONTENT_LENGTH": _int(environ, "MAX_UPLOAD_MB", 8, 1, 100) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": LANGUAGES,
        "TAMAZIGHT_SCRIPT": tamazight_script,
    }
