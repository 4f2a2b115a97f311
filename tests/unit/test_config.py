"""Configuration from the environment, and production's refusals."""
import pytest

from shop import create_app
from shop.config import ConfigError, load_config

STRONG = "x" * 40


def test_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'bangfu.sqlite3'}"


def test_database_url_switches_database(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://shop@localhost/shop")
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize("secret", [None, "short", "dev-only-not-secret"])
def test_production_refuses_a_weak_secret(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("SHOP_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))


def test_production_needs_an_https_site_url(monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(ConfigError, match="SITE_URL"):
        load_config(str(tmp_path))
    monkeypatch.setenv("SITE_URL", "http://shop.example.cn")
    with pytest.raises(ConfigError, match="SITE_URL"):
        load_config(str(tmp_path))


def test_production_refuses_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="DEBUG"):
        load_config(str(tmp_path))


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("SITE_URL", "https://shop.example.cn")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug


def _production(monkeypatch):
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("SITE_URL", "https://bangfu.example.cn")
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "PAYMENT_METHODS"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_stripe_without_a_webhook_secret(monkeypatch, tmp_path):
    _production(monkeypatch)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_x")
    with pytest.raises(ConfigError, match="STRIPE_WEBHOOK_SECRET"):
        load_config(str(tmp_path))
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_x")
    assert load_config(str(tmp_path))["STRIPE_SECRET_KEY"] == "sk_live_x"


def test_production_refuses_a_local_stripe_server(monkeypatch, tmp_path):
    _production(monkeypatch)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:8420")
    with pytest.raises(ConfigError, match="STRIPE_API_BASE"):
        load_config(str(tmp_path))


def test_payment_methods_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PAYMENT_METHODS", "wechat_pay, alipay")
    assert load_config(str(tmp_path))["PAYMENT_METHODS"] == ["wechat_pay", "alipay"]
    monkeypatch.setenv("PAYMENT_METHODS", "card,bitcoin")
    with pytest.raises(ConfigError, match="bitcoin"):
        load_config(str(tmp_path))


def test_require_photo_is_off_in_development_and_on_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("REQUIRE_PHOTO", raising=False)
    monkeypatch.delenv("SHOP_ENV", raising=False)
    assert load_config(str(tmp_path))["REQUIRE_PHOTO"] is False
    monkeypatch.setenv("SHOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("SITE_URL", "https://shop.example.cn")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert load_config(str(tmp_path))["REQUIRE_PHOTO"] is True
    monkeypatch.setenv("REQUIRE_PHOTO", "off")
    assert load_config(str(tmp_path))["REQUIRE_PHOTO"] is False


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("ON", True), ("0", False), ("false", False)])
def test_require_photo_can_be_set_in_development(monkeypatch, tmp_path, value, expected):
    monkeypatch.delenv("SHOP_ENV", raising=False)
    monkeypatch.setenv("REQUIRE_PHOTO", value)
    assert load_config(str(tmp_path))["REQUIRE_PHOTO"] is expected


def test_require_photo_refuses_a_value_it_cannot_read(monkeypatch, tmp_path):
    monkeypatch.setenv("REQUIRE_PHOTO", "sometimes")
    with pytest.raises(ConfigError, match="REQUIRE_PHOTO must be on or off"):
        load_config(str(tmp_path))


def test_prepared_statements_can_be_turned_off_on_postgresql(monkeypatch, tmp_path):
    def options() -> dict:
        return load_config(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://shop@localhost/shop")
    assert options() == {"pool_pre_ping": True, "pool_use_lifo": True}
    monkeypatch.setenv("PG_PREPARED_STATEMENTS", "off")
    assert options()["connect_args"] == {"prepare_threshold": None}
    monkeypatch.setenv("DATABASE_URL", "sqlite:///shop.sqlite3")  # sqlite3.connect() takes no such argument
    assert options() == {"pool_pre_ping": True}
    monkeypatch.setenv("PG_PREPARED_STATEMENTS", "maybe")
    with pytest.raises(ConfigError, match="PG_PREPARED_STATEMENTS must be on or off"):
        load_config(str(tmp_path))


def test_engine_options_follow_a_database_given_in_code(monkeypatch, tmp_path):
    """The tests (and any caller) may name the database in the overrides, not the environment: the pool options
    follow the database actually used, and options given in code are left alone."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = "postgresql+psycopg://shop@localhost/shop"
    assert load_config(str(tmp_path), {"SQLALCHEMY_DATABASE_URI": url})["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True, "pool_use_lifo": True}
    given = {"pool_size": 1}
    assert load_config(str(tmp_path), {"SQLALCHEMY_ENGINE_OPTIONS": given})["SQLALCHEMY_ENGINE_OPTIONS"] is given


def test_a_reports_replica_is_a_bind_of_its_own(monkeypatch, tmp_path):
    """REPORTS_DATABASE_URL adds the replica's engine (shop.core.replica) with the primary's pool options; unset,
    there is none and reports read DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://shop@primary/shop")
    monkeypatch.delenv("REPORTS_DATABASE_URL", raising=False)
    assert "reports" not in load_config(str(tmp_path))["SQLALCHEMY_BINDS"]
    monkeypatch.setenv("REPORTS_DATABASE_URL", "postgresql+psycopg://reader@replica/shop")
    binds = load_config(str(tmp_path))["SQLALCHEMY_BINDS"]
    assert binds["reports"] == {"url": "postgresql+psycopg://reader@replica/shop", "pool_pre_ping": True,
                                "pool_use_lifo": True}
    assert binds["catalogue_version"]["url"] == "postgresql+psycopg://shop@primary/shop"


@pytest.mark.parametrize("primary, replica", [("sqlite:///shop.sqlite3", "postgresql+psycopg://r@replica/shop"),
                                              ("postgresql+psycopg://shop@primary/shop", "sqlite:///copy.sqlite3")])
def test_a_reports_replica_needs_postgresql(monkeypatch, tmp_path, primary, replica):
    monkeypatch.setenv("DATABASE_URL", primary)
    monkeypatch.setenv("REPORTS_DATABASE_URL", replica)
    with pytest.raises(ConfigError, match="REPORTS_DATABASE_URL must be a PostgreSQL replica"):
        load_config(str(tmp_path))
