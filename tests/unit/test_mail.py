"""Outgoing mail: the outbox backend, the SMTP backend against a real server, and failures."""
import email
from email import policy
from types import SimpleNamespace
from unittest import mock

import pytest
from flask import session

from shop.core.mail import absolute_url, send_mail, send_mail_safely

USER = SimpleNamespace(display_name="李明")
SMALL = {"user": USER, "url": "u", "minutes": 1}


def reset_mail(**overrides):
    context = {"user": USER, "url": "http://localhost/account/reset/abc", "minutes": 60}
    context.update(overrides)
    return send_mail("li@example.cn", "重置密码", "password_reset", **context)


@pytest.fixture
def outbox(app, tmp_path):
    saved = app.config["MAIL_BACKEND"], app.config["MAIL_OUTBOX"]
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX=str(tmp_path / "outbox"))
    yield tmp_path / "outbox"
    app.config["MAIL_BACKEND"], app.config["MAIL_OUTBOX"] = saved


def test_outbox_keeps_each_message_as_a_readable_eml_file(app, outbox):
    with app.test_request_context():
        reset_mail()
        reset_mail()
    files = sorted(outbox.iterdir())
    assert len(files) == 2 and all(f.suffix == ".eml" and not f.name.startswith(".") for f in files)
    raw = files[0].read_bytes()
    assert "李明".encode() in raw  # 8bit UTF-8, so the demo's mail can be read with a pager
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "重置密码" and message["To"] == "li@example.cn"
    assert message["From"].addresses[0].addr_spec == "noreply@bangfu.invalid"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert "http://localhost/account/reset/abc" in message.get_content()


def test_outbox_leaves_no_partial_file_when_writing_fails(app, outbox):
    with app.test_request_context(), mock.patch("shop.core.mail.os.replace", side_effect=OSError("disk full")):
        assert send_mail_safely("li@example.cn", "x", "password_reset", **SMALL) is False
    assert list(outbox.iterdir()) == []


def test_smtp_delivers_to_a_real_server(app, mail_to_smtp):
    with app.test_request_context():
        session["lang"] = "en"
        assert send_mail_safely(["li@example.cn", "wang@example.cn"], "Reset", "password_reset",
                                user=USER, url="http://localhost/r/abc", minutes=60)
    [message] = mail_to_smtp.wait_for(1)
    assert mail_to_smtp.envelopes[0].rcpt_tos == ["li@example.cn", "wang@example.cn"]
    assert mail_to_smtp.envelopes[0].mail_from == "noreply@bangfu.invalid"
    body = message.get_content()
    assert body.startswith("Hello 李明,") and "within 60 minutes" in body and "http://localhost/r/abc" in body
    assert str(message["From"]) == "帮扶集市 <noreply@bangfu.invalid>"


def test_smtp_uses_starttls_and_login_when_configured(app):
    settings = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "mail.example.cn", "MAIL_PORT": 587,
                "MAIL_USE_TLS": True, "MAIL_USERNAME": "shop", "MAIL_PASSWORD": "secret", "MAIL_TIMEOUT": 3.0}
    with mock.patch.dict(app.config, settings), app.test_request_context(), \
            mock.patch("shop.core.mail.smtplib.SMTP") as smtp_class:
        reset_mail()
    smtp_class.assert_called_once_with("mail.example.cn", 587, timeout=3.0)
    smtp = smtp_class.return_value.__enter__.return_value
    smtp.starttls.assert_called_once()
    smtp.login.assert_called_once_with("shop", "secret")
    smtp.send_message.assert_called_once()


def test_an_unreachable_server_is_logged_not_raised(app, mail_to_smtp, caplog):
    app.config["MAIL_PORT"] = 1  # restored by mail_to_smtp
    with app.test_request_context():
        assert send_mail_safely("li@example.cn", "x", "password_reset", **SMALL) is False
        with pytest.raises(OSError):
            reset_mail()
    assert "sending the 'password_reset' email failed" in caplog.text


def test_an_unknown_backend_is_an_error(app):
    with mock.patch.dict(app.config, {"MAIL_BACKEND": "pigeon"}), app.test_request_context():
        with pytest.raises(ValueError):
            reset_mail()


def test_links_in_mail_use_site_url_rather_than_the_host_header(app):
    with mock.patch.dict(app.config, {"SITE_URL": "https://shop.example.cn/"}):
        with app.test_request_context(base_url="http://evil.example"):
            link = absolute_url("accounts.reset_password", token="t")
        with app.app_context():  # outside any request, e.g. from a command
            assert absolute_url("orders.order_detail", number="BF1") == "https://shop.example.cn/orders/BF1"
    assert link == "https://shop.example.cn/account/reset/t"
