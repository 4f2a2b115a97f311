"""A pytest plugin: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
from __future__ import annotations

import email
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

MAIL_KEYS = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]


class CollectingHandler:
    """An aiosmtpd handler that parses and keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(message)
            self.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos)))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """What a test sees: the port, the messages received so far, and a way to wait for more."""

    port: int
    handler: CollectingHandler = field(repr=False)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def envelopes(self) -> list[Envelope]:
        return self.handler.envelopes

    def wait_for(self, count: int, timeout: float = 5) -> list[EmailMessage]:
        """Block until `count` messages have arrived; fail the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.handler.arrived:
            while len(self.handler.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = len(self.handler.messages)
                    pytest.fail(f"expected {count} email(s) within {timeout}s, got {got}")
                self.handler.arrived.wait(remaining)
            return list(self.handler.messages)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A running SMTP server on a free local port, stopped after the test."""
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SmtpServer(port=controller.port, handler=handler)
    finally:
        controller.stop()


@pytest.fixture
def mail_to_smtp(app, smtp_server):
    """Point the app's mail at smtp_server for one test; the previous settings come back afterwards."""
    saved = {key: app.config.get(key) for key in MAIL_KEYS}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                      MAIL_USE_TLS=False, MAIL_USERNAME=None, MAIL_PASSWORD=None)
    try:
        yield smtp_server
    finally:
        app.config.update(saved)
