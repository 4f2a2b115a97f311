"""A pytest plugin: localstripe (a real Stripe-API server from PyPI) on loopback, started once per test
session through tools/localstripe_server.py, plus helpers to sign webhook bodies the way Stripe does."""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import stripe

LAUNCHER = Path(__file__).resolve().parent.parent / "tools" / "localstripe_server.py"
SECRET_KEY = "sk_test_bangfu_tests"
PUBLISHABLE_KEY = "pk_test_bangfu_tests"
WEBHOOK_SECRET = "whsec_bangfu_tests"
DISABLED = ["bangfu.webhook.disabled"]  # an event type that never happens: delivery switched off


@dataclass
class LocalStripe:
    url: str

    @property
    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(SECRET_KEY, base_addresses={"api": self.url})

    def _post(self, path: str, body: dict) -> None:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {SECRET_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def flush(self) -> None:
        """Forget every object (order numbers repeat from test to test, since tables are emptied)."""
        request = urllib.request.Request(self.url + "/_config/data", method="DELETE",
                                         headers={"Authorization": f"Bearer {SECRET_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def deliver_webhooks_to(self, url: str | None, secret: str = WEBHOOK_SECRET) -> None:
        """Point localstripe's signed event delivery at `url` (None: deliver nothing)."""
        body = {"url": url or "http://127.0.0.1:9/", "secret": secret}
        if url is None:
            body["events"] = DISABLED
        self._post("/_config/webhooks/shop", body)

    def take_methods(self, methods: list[str] | None) -> None:
        """Make the account able to take `methods` only (None: answer like localstripe, without configurations)."""
        self._post("/_config/payment_methods", {"methods": methods})

    def pending_deliveries(self) -> int:
        """How many webhook deliveries localstripe has not finished (see tools/localstripe_server.py)."""
        with urllib.request.urlopen(self.url + "/_config/deliveries", timeout=10) as response:
            return json.load(response)["pending"]

    def wait_for_deliveries(self, timeout: float = 15) -> None:
        """Wait until every webhook delivery localstripe has scheduled has landed (or been skipped)."""
        deadline = time.monotonic() + timeout
        while self.pending_deliveries():
            if time.monotonic() > deadline:
                raise AssertionError(f"localstripe still has webhook deliveries under way after {timeout} s")
            time.sleep(0.05)

    def authenticate(self, intent_id: str, client_secret: str, success: bool = True) -> None:
        """What Stripe.js does when the buyer completes (or fails) 3-D Secure."""
        self._post(f"/v1/payment_intents/{intent_id}/_authenticate?success={'true' if success else 'false'}",
                   {"key": PUBLISHABLE_KEY, "client_secret": client_secret})

    def card_token(self, number: str = "4242424242424242") -> str:
        """What Stripe.js's createToken returns for the card typed into the card element."""
        card = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
        return self.client.v1.tokens.create(params={"card": card}).id

    def intents_for(self, order_number: str) -> list:
        intents = self.client.v1.payment_intents.list(params={"limit": 100}).data
        return [intent for intent in intents
                if (intent.to_dict().get("metadata") or {}).get("order_number") == order_number]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    port = _free_port()
    process = subprocess.Popen([sys.executable, str(LAUNCHER), "--port", str(port), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not start: {process.stderr.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.1)
    server = LocalStripe(f"http://127.0.0.1:{port}")
    server.deliver_webhooks_to(None)
    yield server
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def stripe_settings(localstripe) -> dict:
    """App settings that point the shop at the session's localstripe."""
    server = localstripe
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": server.url,
            "STRIPE_JS_URL": f"{server.url}/js.stripe.com/v3/", "STRIPE_NETWORK_RETRIES": 0, "STRIPE_TIMEOUT": 10}


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`: HMAC-SHA256 of "<timestamp>.<body>" (Stripe's scheme)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


_event_counter = iter(range(1, 10**9))


def intent_event(kind: str, intent_id: str, amount: int, order_number: str, currency: str = "cny",
                 event_id: str | None = None, status: str | None = None, created: int | None = None) -> dict:
    """A `payment_intent.*` event body shaped like Stripe's."""
    return {
        "id": event_id or f"evt_test_{next(_event_counter):08d}", "object": "event", "type": kind,
        "created": created or int(time.time()), "livemode": False, "api_version": "2024-06-20",
        "data": {"object": {"id": intent_id, "object": "payment_intent", "amount": amount, "currency": currency,
                            "status": status or kind.rsplit(".", 1)[1].replace("payment_failed",
                                                                               "requires_payment_method"),
                            "metadata": {"order_number": order_number},
                            "last_payment_error": ({"message": "Your card was declined."}
                                                   if kind.endswith("payment_failed") else None)}},
    }


def post_event(client, event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    body = json.dumps(event).encode()
    return client.post("/payments/stripe/webhook", data=body, content_type="application/json",
                       headers={"Stripe-Signature": sign(body, secret, timestamp)})
