"""Outgoing email: plain-text templates rendered in the current locale, sent by SMTP or kept in an outbox.

Mail about orders goes through shop.core.outbox (queued with the change, sent by the job runner);
send_mail is for what the person waits for on the page, such as a password reset link.
"""
from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template

from shop.core.database import utcnow


def absolute_url(endpoint: str, **values: object) -> str:
    """A full link for an email, always under SITE_URL: never the request's Host header, which can be forged.

    Built from the URL map alone, so it works outside requests too (commands, background jobs).
    """
    path = current_app.url_map.bind("site.invalid").build(endpoint, values)
    site: str = current_app.config["SITE_URL"]
    return site.rstrip("/") + path


def build_message(to: str | Iterable[str], subject: str, template: str, **context: object) -> EmailMessage:
    """The message for templates/email/<template>.txt, addressed and dated."""
    return _compose(to, subject, render_template(f"email/{template}.txt", **context))


def _compose(to: str | Iterable[str], subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = str(subject)
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain or "localhost")
    # base64 is safe through any relay; outbox files stay readable as 8bit UTF-8.
    cte = "base64" if config["MAIL_BACKEND"] == "smtp" else "8bit"
    message.set_content(body, charset="utf-8", cte=cte)
    return message


def send_mail(to: str | Iterable[str], subject: str, template: str, **context: object) -> EmailMessage:
    """Render and send a message with the configured backend ("smtp" or "outbox"); errors propagate."""
    message = build_message(to, subject, template, **context)
    _send(message)
    return message


def deliver(to: str | Iterable[str], subject: str, body: str) -> EmailMessage:
    """Send an already rendered body (the mail queue's messages); errors propagate."""
    message = _compose(to, subject, body)
    _send(message)
    return message


def _send(message: EmailMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "outbox":
        _write_outbox(message)
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")


def send_mail_safely(to: str | Iterable[str], subject: str, template: str, **context: object) -> bool:
    """send_mail that logs a delivery failure and returns False; call it after the data is committed."""
    try:
        send_mail(to, subject, template, **context)
    except (smtplib.SMTPException, OSError):
        current_app.logger.exception("sending the %r email failed", template)
        return False
    return True


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _write_outbox(message: EmailMessage) -> None:
    outbox = current_app.config["MAIL_OUTBOX"]
    os.makedirs(outbox, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex}.eml"
    temporary = os.path.join(outbox, f".{name}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(message.as_bytes())
        os.replace(temporary, os.path.join(outbox, name))  # readers never see a half-written file
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
