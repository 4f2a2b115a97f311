"""Settings read from the environment, in one place."""
from __future__ import annotations

import os
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised when the environment cannot make a safe configuration."""


DEV_SECRET = "dev-only-not-secret"


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


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment; refuse unsafe production settings."""
    env = os.environ
    shop_env = env.get("SHOP_ENV", "development")
    sqlite_path = Path(instance_path) / "bangfu.sqlite3"
    config = {
        "SHOP_ENV": shop_env,
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        "DEBUG": _flag(env.get("FLASK_DEBUG")),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{sqlite_path}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        # Files only staff may see (business licences); never served by /media.
        "PRIVATE_FOLDER": env.get("PRIVATE_FOLDER") or str(Path(instance_path) / "private"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "PRODUCTS_PER_PAGE": 24,
        # Listings without a photo stay out of the storefront's lists (catalogue, search, county, cooperative and
        # home pages) until one is added: on in production, off in development unless REQUIRE_PHOTO says so.
        "REQUIRE_PHOTO": _switch(env, "REQUIRE_PHOTO", default=shop_env == "production"),
        # The catalogue's menus (categories, counties, helper regions) are re-read at most this often per process.
        "MENU_CACHE_SECONDS": int(env.get("MENU_CACHE_SECONDS", 60)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": shop_env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        # The shop's public address, for links in emails (never taken from a request's Host header).
        "SITE_URL": (env.get("SITE_URL") or ("" if shop_env == "production" else "http://127.0.0.1:8000")).rstrip("/"),
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
        # Orders: how long an unpaid order holds its stock, and how long after receipt it completes.
        "ORDER_PAYMENT_MINUTES": int(env.get("ORDER_PAYMENT_MINUTES", 30)),
        "ORDER_COMPLETE_DAYS": int(env.get("ORDER_COMPLETE_DAYS", 7)),
        # Stripe. STRIPE_API_BASE points at a local Stripe-API server (the demo, the tests); unset in production.
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY"),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE"),
        "STRIPE_JS_URL": env.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "STRIPE_TIMEOUT": float(env.get("STRIPE_TIMEOUT", 20)),
        "STRIPE_NETWORK_RETRIES": int(env.get("STRIPE_NETWORK_RETRIES", 2)),
        "PAYMENT_METHODS": _list(env.get("PAYMENT_METHODS", "card,alipay,wechat_pay")),
        # The platform's account for bank transfers (对公转账) from organizations; unset = not offered.
        "BANK_ACCOUNT_NAME": env.get("BANK_ACCOUNT_NAME"),
        "BANK_NAME": env.get("BANK_NAME"),
        "BANK_ACCOUNT_NUMBER": env.get("BANK_ACCOUNT_NUMBER"),
        "BANK_TRANSFER_DAYS": int(env.get("BANK_TRANSFER_DAYS", 5)),
        # The public impact board (also on county pages) is recomputed at most this often per process.
        "IMPACT_CACHE_SECONDS": int(env.get("IMPACT_CACHE_SECONDS", 300)),
    }
    if overrides:
        config.update(overrides)
    unknown = set(config.get("PAYMENT_METHODS", [])) - {"card", "alipay", "wechat_pay"}
    if unknown:
        raise ConfigError(f"PAYMENT_METHODS has unknown methods: {', '.join(sorted(unknown))}")
    if config["SHOP_ENV"] == "production":
        check_production(config)
    return config


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
