"""Settings read from the environment, in one place."""
from __future__ import annotations

import os
from pathlib import Path

from limits import parse_many

from shop.core.replica import REPORTS_BIND


class ConfigError(RuntimeError):
    """Raised when the environment cannot make a safe configuration."""


DEV_SECRET = "dev-only-not-secret"
# The Flask-SQLAlchemy bind the page cache reads the catalogue version through (shop.catalog.versions.
# read_committed_version): the same database, with a pool of its own that does not ping connections before use.
VERSION_BIND = "catalogue_version"
# The per-address limits, each applied by shop.web.ratelimits to its endpoints.
RATE_LIMITS = ("RATELIMIT_LOGIN", "RATELIMIT_REGISTER", "RATELIMIT_PASSWORD_RESET", "RATELIMIT_SEARCH", "RATELIMIT_API",
               "RATELIMIT_VERIFY")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _switch(env, name: str, default: bool) -> bool:
    """An on/off setting: unset means `default`; anything but 1/0, true/false, yes/no or on/off is refused."""
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    if value not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ConfigError(f"{name} must be on or off (1/0, true/false, yes/no), not {env.get(name)!r}")
    return _flag(value)


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _cookie_settings(production: bool) -> dict:
    """Session and remember-me cookies: HttpOnly, SameSite=Lax; in production Secure and `__Host-` named, so
    only this exact https origin can set or read them. CSRF tokens live in the session, so they follow it."""
    prefix = "__Host-" if production else ""
    settings = {}
    for kind, name in (("SESSION", "session"), ("REMEMBER", "remember_token")):
        settings.update({
            f"{kind}_COOKIE_NAME": prefix + name,
            f"{kind}_COOKIE_HTTPONLY": True,
            f"{kind}_COOKIE_SAMESITE": "Lax",
            f"{kind}_COOKIE_SECURE": production,
        })
    return settings


def _rate_limit_settings(env) -> dict:
    """Per-address limits (Flask-Limiter strings, e.g. "10 per minute") and where the counts are kept."""
    return {
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED", "1")),
        # memory:// counts per process; redis://host:port/db shares the counts between workers and hosts.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "bangfu"),
        # Flask-Limiter's own headers would put Retry-After on every limited response; the 429 gets it anyway.
        "RATELIMIT_HEADERS_ENABLED": False,
        # If the shared store is down, count in the process instead of failing the request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute"),
        "RATELIMIT_REGISTER": env.get("RATELIMIT_REGISTER", "5 per minute; 30 per hour"),
        "RATELIMIT_PASSWORD_RESET": env.get("RATELIMIT_PASSWORD_RESET", "5 per minute; 20 per hour"),
        "RATELIMIT_SEARCH": env.get("RATELIMIT_SEARCH", "60 per minute"),
        "RATELIMIT_API": env.get("RATELIMIT_API", "120 per minute"),
        "RATELIMIT_VERIFY": env.get("RATELIMIT_VERIFY", "30 per minute"),
    }


def _engine_options(env, database_uri: str) -> dict:
    """The connection pool: connections pinged before use. On PostgreSQL, LIFO, so a worker keeps reusing its most
    recent connections, whose prepared statements are warm (psycopg prepares a statement on its fifth run on a
    connection), and connections left over from a burst stay idle; PG_PREPARED_STATEMENTS=off turns preparing off,
    for a PgBouncer in transaction mode that does not track them (before 1.21, or max_prepared_statements = 0)."""
    options: dict = {"pool_pre_ping": True}
    prepared = _switch(env, "PG_PREPARED_STATEMENTS", True)
    if database_uri.startswith("postgresql"):
        options["pool_use_lifo"] = True
        if not prepared:
            options["connect_args"] = {"prepare_threshold": None}
    return options


def _page_cache_settings(env) -> dict:
    """Storefront pages kept rendered for visitors (shop.web.pagecache)."""
    return {
        # A kept page is keyed by the catalogue version, so it is never stale; this only bounds how long an unused
        # page stays kept. 0 renders every page. Pages that show sales (county, impact) use IMPACT_CACHE_SECONDS.
        "PAGE_CACHE_SECONDS": int(env.get("PAGE_CACHE_SECONDS", 600)),
        # Pages each process keeps in memory when no Redis is configured (a catalogue page is 30–60 kB).
        "PAGE_CACHE_ENTRIES": int(env.get("PAGE_CACHE_ENTRIES", 500)),
        # redis://host:port/db shares kept pages between workers and hosts; unset: each process keeps its own.
        "CACHE_REDIS_URL": env.get("CACHE_REDIS_URL") or "",
        "PAGE_CACHE_PREFIX": env.get("PAGE_CACHE_PREFIX", "bangfu:page:"),
    }


def _site_settings(env, instance_path: str, shop_env: str) -> dict:
    """The site: database, files, languages, forms, cookies, proxies, rate limits, its public address."""
    return {
        "SHOP_ENV": shop_env,
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        "DEBUG": _flag(env.get("FLASK_DEBUG")),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'bangfu.sqlite3'}",
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        # Files only staff may see (business licences); never served by /media.
        "PRIVATE_FOLDER": env.get("PRIVATE_FOLDER") or str(Path(instance_path) / "private"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        # Uploaded photos and licences with more pixels are refused from their header, before any decoding: a
        # decode needs about 4 bytes a pixel (WebP: 16, so a WebP may have a third of this).
        "MAX_IMAGE_PIXELS": int(env.get("MAX_IMAGE_PIXELS", 16_000_000)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "PRODUCTS_PER_PAGE": 24,
        # Catalogue lists count their matches up to this many, then say "1,000+": an exact count of every match
        # on every page view would cost more as the catalogue grows.
        "CATALOGUE_COUNT_UP_TO": int(env.get("CATALOGUE_COUNT_UP_TO", 1000)),
        # A search counts up to this many (or CATALOGUE_COUNT_UP_TO if smaller), then says "100+": each match it
        # counts is a product looked up at random, the cost that grew with the catalogue (bench/README.md).
        "SEARCH_COUNT_UP_TO": int(env.get("SEARCH_COUNT_UP_TO", 100)),
        # Listings without a photo stay out of the storefront's lists (catalogue, search, county, cooperative and
        # home pages) until one is added: on in production, off in development unless REQUIRE_PHOTO says so.
        "REQUIRE_PHOTO": _switch(env, "REQUIRE_PHOTO", default=shop_env == "production"),
        # The catalogue's menus (categories, counties, helper regions) are re-read at most this often per process.
        "MENU_CACHE_SECONDS": int(env.get("MENU_CACHE_SECONDS", 60)),
        # Form bodies (multipart and, in shop.web.security, urlencoded too): bytes of text and number of fields.
        "MAX_FORM_MEMORY_SIZE": int(env.get("MAX_FORM_MEMORY_SIZE", 500_000)),
        "MAX_FORM_PARTS": int(env.get("MAX_FORM_PARTS", 1000)),
        **_cookie_settings(shop_env == "production"),
        "WTF_CSRF_TIME_LIMIT": None,
        # How many reverse proxies in front of the shop set X-Forwarded-For / -Proto; 0 trusts none.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", 0)),
        **_rate_limit_settings(env),
        **_page_cache_settings(env),
        # The site's filing numbers shown in the footer when set: ICP 备案号 (e.g. 浙ICP备2026000001号-1) and
        # 公安备案号 (e.g. 浙公网安备33050202000001号).
        "ICP_LICENSE": (env.get("ICP_LICENSE") or "").strip(),
        "PSB_LICENSE": (env.get("PSB_LICENSE") or "").strip(),
        # The shop's public address, for links in emails (never taken from a request's Host header).
        "SITE_URL": (env.get("SITE_URL") or ("" if shop_env == "production" else "http://127.0.0.1:8000")).rstrip("/"),
    }


def _storage_settings(env) -> dict:
    """Where photos and private files are kept (shop.core.storage): the instance folders, or an S3-compatible
    bucket; its keys may also come from boto3's own AWS_* variables."""
    return {
        # Empty or file:// = UPLOAD_FOLDER and PRIVATE_FOLDER; file:///path; s3://bucket/prefix.
        "STORAGE_URL": env.get("STORAGE_URL", ""),
        "STORAGE_S3_ENDPOINT_URL": env.get("STORAGE_S3_ENDPOINT_URL"),  # unset = AWS itself
        "STORAGE_S3_REGION": env.get("STORAGE_S3_REGION"),
        "STORAGE_S3_ACCESS_KEY_ID": env.get("STORAGE_S3_ACCESS_KEY_ID"),
        "STORAGE_S3_SECRET_ACCESS_KEY": env.get("STORAGE_S3_SECRET_ACCESS_KEY"),
        # path (SeaweedFS, MinIO, Ceph) or virtual (bucket.host: Alibaba OSS, Tencent COS require it).
        "STORAGE_S3_ADDRESSING_STYLE": env.get("STORAGE_S3_ADDRESSING_STYLE", "path"),
        "STORAGE_S3_TIMEOUT": float(env.get("STORAGE_S3_TIMEOUT", 10)),
        # Set when a CDN or the bucket serves media publicly (https://cdn.example.com/media): /media redirects there.
        "STORAGE_PUBLIC_URL": env.get("STORAGE_PUBLIC_URL", ""),
    }


def _mail_settings(env, instance_path: str) -> dict:
    """Outgoing mail."""
    return {
        # Mail: "outbox" writes .eml files under instance/outbox (the demo); "smtp" sends them.
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "outbox"),
        "MAIL_OUTBOX": env.get("MAIL_OUTBOX") or str(Path(instance_path) / "outbox"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "帮扶集市 <noreply@bangfu.invalid>"),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", 10)),
    }


def _account_settings(env) -> dict:
    """Logins, their lifetime and their throttling; password resets."""
    return {
        "PASSWORD_RESET_MAX_AGE": int(env.get("PASSWORD_RESET_MAX_AGE", 3600)),
        # A login lasts at most this long, however the cookie was kept; then the buyer logs in again.
        "LOGIN_SESSION_DAYS": int(env.get("LOGIN_SESSION_DAYS", 30)),
        # After this many failed logins for one email or mobile number within LOGIN_LOCK_MINUTES, it is refused
        # until the oldest failure is that old.
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_LOCK_MINUTES": int(env.get("LOGIN_LOCK_MINUTES", 15)),
        # At most this many password-reset mails per email address within PASSWORD_RESET_MAIL_MINUTES.
        "PASSWORD_RESET_MAX_MAILS": int(env.get("PASSWORD_RESET_MAX_MAILS", 3)),
        "PASSWORD_RESET_MAIL_MINUTES": int(env.get("PASSWORD_RESET_MAIL_MINUTES", 60)),
        # A file kept from a failed form submit (a licence, a proof) can be used this long, then it is removed.
        "KEPT_UPLOAD_MINUTES": int(env.get("KEPT_UPLOAD_MINUTES", 60)),
    }


def _order_settings(env) -> dict:
    """Orders' time limits and the job runner's intervals."""
    return {
        # Orders: how long an unpaid order holds its stock, and how long after receipt it completes.
        "ORDER_PAYMENT_MINUTES": int(env.get("ORDER_PAYMENT_MINUTES", 30)),
        "INVOICE_DAYS": int(env.get("INVOICE_DAYS", 15)),  # a seller issues a requested invoice within this
        "ORDER_COMPLETE_DAYS": int(env.get("ORDER_COMPLETE_DAYS", 7)),
        # Dashboards: a paid order not shipped after this many days is overdue (staff), and a listing with this
        # many units or fewer is low on stock (cooperative portal).
        "SHIP_WITHIN_DAYS": int(env.get("SHIP_WITHIN_DAYS", 3)),
        "LOW_STOCK_UNITS": int(env.get("LOW_STOCK_UNITS", 5)),
        # The job runner (run-jobs) asks Stripe for missed events this often, and purges old login sessions and
        # throttling records this often; its other jobs run every round. 0 = every round.
        "RECONCILE_INTERVAL_MINUTES": int(env.get("RECONCILE_INTERVAL_MINUTES", 60)),
        "PURGE_INTERVAL_MINUTES": int(env.get("PURGE_INTERVAL_MINUTES", 60)),
    }


def _payment_settings(env) -> dict:
    """Stripe, the bank account for transfers, and the impact board's cache."""
    return {
        # Stripe. STRIPE_API_BASE points at a local Stripe-API server (the demo, the tests); unset in production.
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY"),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE"),
        "STRIPE_JS_URL": env.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "STRIPE_TIMEOUT": float(env.get("STRIPE_TIMEOUT", 20)),
        "STRIPE_NETWORK_RETRIES": int(env.get("STRIPE_NETWORK_RETRIES", 2)),
        "PAYMENT_METHODS": _list(env.get("PAYMENT_METHODS", "card,alipay,wechat_pay")),
        # How long a process keeps Stripe's answer to which of them the account can take.
        "STRIPE_METHODS_CACHE_SECONDS": int(env.get("STRIPE_METHODS_CACHE_SECONDS", 600)),
        # The platform's account for bank transfers (对公转账) from organizations; unset = not offered.
        "BANK_ACCOUNT_NAME": env.get("BANK_ACCOUNT_NAME"),
        "BANK_NAME": env.get("BANK_NAME"),
        "BANK_ACCOUNT_NUMBER": env.get("BANK_ACCOUNT_NUMBER"),
        "BANK_TRANSFER_DAYS": int(env.get("BANK_TRANSFER_DAYS", 5)),
        # The public impact board (also on county pages) is recomputed at most this often per process.
        "IMPACT_CACHE_SECONDS": int(env.get("IMPACT_CACHE_SECONDS", 300)),
        # The staff tallies read the daily rollup where it answers exactly (off: always the order lines).
        "TALLY_ROLLUP": _switch(env, "TALLY_ROLLUP", True),
        # PostgreSQL's work_mem for the tallies' statements (empty: the server's own).
        "REPORT_WORK_MEM": env.get("REPORT_WORK_MEM", "64MB"),
        # A PostgreSQL streaming replica of DATABASE_URL for the tallies, their downloads, the impact figures and
        # the tallies API (shop.core.replica); empty: they read DATABASE_URL like everything else.
        "REPORTS_DATABASE_URL": env.get("REPORTS_DATABASE_URL") or "",
    }


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment; refuse unsafe production settings."""
    env = os.environ
    shop_env = env.get("SHOP_ENV", "development")
    config = {
        **_site_settings(env, instance_path, shop_env),
        **_storage_settings(env),
        **_mail_settings(env, instance_path),
        **_account_settings(env),
        **_order_settings(env),
        **_payment_settings(env),
        **(overrides or {}),
    }
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(env, config["SQLALCHEMY_DATABASE_URI"]))
    config.setdefault("SQLALCHEMY_BINDS", _binds(env, config))
    _check(config)
    return config


def _binds(env, config: dict) -> dict:
    """The engines beside DATABASE_URL's: the page cache's version reads and, when configured, the reports replica."""
    binds: dict = {VERSION_BIND: {"url": config["SQLALCHEMY_DATABASE_URI"], "pool_pre_ping": False}}
    replica = config["REPORTS_DATABASE_URL"]
    if replica:
        binds[REPORTS_BIND] = {"url": replica, **_engine_options(env, replica)}
    return binds


def _check(config: dict) -> None:
    """Refuse settings that cannot work, and unsafe ones in production."""
    unknown = set(config.get("PAYMENT_METHODS", [])) - {"card", "alipay", "wechat_pay"}
    if unknown:
        raise ConfigError(f"PAYMENT_METHODS has unknown methods: {', '.join(sorted(unknown))}")
    for key in ("RECONCILE_INTERVAL_MINUTES", "PURGE_INTERVAL_MINUTES"):
        if config[key] < 0:
            raise ConfigError(f"{key} must be a number of minutes, 0 or more (0: every round of run-jobs)")
    _check_rate_limits(config)
    _check_storage(config)
    if config["REPORTS_DATABASE_URL"] and not (
            config["REPORTS_DATABASE_URL"].startswith("postgresql")
            and config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")):
        raise ConfigError("REPORTS_DATABASE_URL must be a PostgreSQL replica of a PostgreSQL DATABASE_URL")
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigError("TRUSTED_PROXIES must be 0 or the number of proxies in front of the shop")
    if config["SHOP_ENV"] == "production":
        check_production(config)


def _check_rate_limits(config: dict) -> None:
    """Refuse a limit Flask-Limiter could not parse (it would otherwise drop it silently and not limit)."""
    for key in RATE_LIMITS:
        try:
            parse_many(config[key])
        except ValueError:
            raise ConfigError(f"{key}={config[key]!r} is not a rate limit such as '10 per minute'") from None


def _check_storage(config: dict) -> None:
    """Refuse a STORAGE_URL the shop cannot use, before any upload finds out."""
    from shop.core.storage import parse_url

    try:
        parse_url(config.get("STORAGE_URL", ""))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if config.get("STORAGE_S3_ADDRESSING_STYLE", "path") not in {"path", "virtual", "auto"}:
        raise ConfigError("STORAGE_S3_ADDRESSING_STYLE must be path, virtual or auto")
    public_url = config.get("STORAGE_PUBLIC_URL") or ""
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ConfigError("STORAGE_PUBLIC_URL must be an http(s):// address (or empty: the app serves /media)")


def check_production(config: dict) -> None:
    """Stop start-up when production would run with a guessable key or the debugger on."""
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret) < 32:
        raise ConfigError("SHOP_ENV=production needs SECRET_KEY set to a random value of 32+ characters")
    if config.get("DEBUG"):
        raise ConfigError("SHOP_ENV=production refuses to start with FLASK_DEBUG on")
    if not str(config.get("SITE_URL", "")).startswith("https://"):
        raise ConfigError("SHOP_ENV=production needs SITE_URL, the shop's public https:// address, for emailed links")
    if config.get("STRIPE_SECRET_KEY") and not config.get("STRIPE_WEBHOOK_SECRET"):
        raise ConfigError("STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: no payment could be confirmed")
    if config.get("STRIPE_API_BASE"):
        raise ConfigError("SHOP_ENV=production refuses STRIPE_API_BASE (a local Stripe-API server)")
