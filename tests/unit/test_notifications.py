"""The mail queue: saved with the change it reports, delivered once, retried after failures."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.core.database import utcnow, write_transaction
from shop.core.outbox import MAX_ATTEMPTS, QueuedMail, deliver_queued, queue_mail, register_messages
from shop.extensions import db
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("app_ctx", "reset_message")


def _reset_mail(user_id: int):
    """A message for these tests, built on the password reset template."""
    user = db.session.get(User, user_id)
    return "重置密码", {"user": user, "url": "https://shop.example.cn/account/reset/t", "minutes": 60}


@pytest.fixture
def reset_message(app):
    register_messages(app, {"password_reset": _reset_mail})


def pending():
    return db.session.scalar(select(func.count()).select_from(QueuedMail).where(QueuedMail.sent_at.is_(None)))


def test_mail_is_queued_only_if_the_transaction_commits(app):
    user = make_user(name="李四")
    with write_transaction(db.session):
        queue_mail("li@example.cn", "password_reset", user_id=user.id)
    assert pending() == 1
    with pytest.raises(RuntimeError):
        with write_transaction(db.session):
            queue_mail("li@example.cn", "password_reset", user_id=user.id)
            raise RuntimeError("the change failed")
    assert pending() == 1


def test_delivery_sends_each_message_once(app, mail_to_smtp):
    user = make_user(name="李四")
    with write_transaction(db.session):
        for n in range(3):
            queue_mail(f"u{n}@example.cn", "password_reset", user_id=user.id)
    assert deliver_queued() == (3, 0)
    assert deliver_queued() == (0, 0)
    messages = mail_to_smtp.wait_for(3)
    assert sorted(m["To"] for m in messages) == ["u0@example.cn", "u1@example.cn", "u2@example.cn"]
    assert "李四" in messages[0].get_content() and messages[0]["Subject"] == "重置密码"


def test_unknown_messages_are_refused():
    with pytest.raises(KeyError):
        queue_mail("u@example.cn", "no_such_message")


def test_failures_back_off_and_give_up(app, mail_to_smtp):
    user = make_user()
    with write_transaction(db.session):
        queue_mail("u@example.cn", "password_reset", user_id=user.id)
    app.config["MAIL_PORT"] = 1  # restored by mail_to_smtp
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        now += timedelta(days=1)
        assert deliver_queued(now=now) == (0, 1)
    mail = db.session.scalar(select(QueuedMail))
    assert mail.attempts == MAX_ATTEMPTS and mail.last_error and mail.sent_at is None
    assert deliver_queued(now=now + timedelta(days=30)) == (0, 0)  # given up: left for staff to see
