"""Settings read from the environment, in one place."""
from __future__ import annotations

import os
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised when the environment cannot make a safe configuration."""


DEV_SECRET = "dev-only-not-secret"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


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
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "PRODUCTS_PER_PAGE": 24,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": shop_env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
    }
    if overrides:
        config.update(overrides)
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
