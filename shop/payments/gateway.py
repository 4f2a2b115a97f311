"""The shop's only door to Stripe: a client built from configuration and a handful of calls, each
returning plain values so that nothing else in the code depends on the `stripe` library."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ParamSpec, TypeVar

import stripe
from flask import current_app
from stripe.params import EventListParams, PaymentIntentCreateParams, PaymentIntentUpdateParams

from shop.payments.models import CURRENCY

WEBHOOK_TOLERANCE_SECONDS = 300  # Stripe's own default: older signatures are replays

P = ParamSpec("P")
T = TypeVar("T")


class GatewayError(Exception):
    """Stripe could not be reached or refused the request; the message is safe to show."""


class GatewayUnavailable(GatewayError):
    """Stripe did not answer (network, rate limit, server error): the outcome is unknown, try again."""


class CardDeclined(GatewayError):
    """The card was refused (declined, expired, failed authentication ...)."""


class InvalidWebhook(Exception):
    """The webhook's signature or body is not acceptable."""


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int
    currency: str
    client_secret: str | None
    order_number: str | None
    failure_message: str | None = None


@dataclass(frozen=True)
class IntentEvent:
    """A `payment_intent.*` event, reduced to what the shop checks."""

    event_id: str
    type: str
    created: datetime
    intent: Intent


@dataclass(frozen=True)
class RefundEvent:
    """A refund's status changed at Stripe (`charge.refund.updated`, `refund.updated`, ...)."""

    event_id: str
    type: str
    created: datetime
    refund_id: str
    status: str


@dataclass(frozen=True)
class OtherEvent:
    event_id: str
    type: str
    created: datetime


Event = IntentEvent | RefundEvent | OtherEvent


def _intent(data: dict[str, Any]) -> Intent:
    error = data.get("last_payment_error") or {}
    return Intent(id=data["id"], status=data.get("status") or "", amount=int(data.get("amount") or 0),
                  currency=str(data.get("currency") or "").lower(), client_secret=data.get("client_secret"),
                  order_number=(data.get("metadata") or {}).get("order_number"),
                  failure_message=error.get("message"))


def event_from_dict(data: dict[str, Any]) -> Event:
    """The shop's view of a Stripe event given as JSON-like dicts (webhook body or listed event)."""
    try:
        event_id, kind = str(data["id"]), str(data["type"])
        created = datetime.fromtimestamp(int(data["created"]), tz=timezone.utc)
        obj = data["data"]["object"]
        if kind.startswith("payment_intent."):
            return IntentEvent(event_id, kind, created, _intent(obj))
        if obj.get("object") == "refund":
            return RefundEvent(event_id, kind, created, str(obj["id"]), str(obj.get("status") or ""))
        return OtherEvent(event_id, kind, created)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidWebhook(f"not a Stripe event: {exc}") from exc


def _declined_message(exc: stripe.StripeError) -> str:
    return exc.user_message or str(exc) or "declined"


class StripeGateway:
    def __init__(self, secret_key: str, webhook_secret: str, api_base: str | None = None, timeout: float = 20,
                 network_retries: int = 2, http_client: stripe.HTTPClient | None = None):
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=network_retries,
            http_client=http_client or stripe.RequestsClient(timeout=timeout),
        )

    def _call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except stripe.CardError as exc:
            raise CardDeclined(_declined_message(exc)) from exc
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise GatewayUnavailable(str(exc) or exc.__class__.__name__) from exc
        except stripe.StripeError as exc:
            raise GatewayError(exc.user_message or str(exc) or exc.__class__.__name__) from exc

    def create_intent(self, *, amount_fen: int, order_number: str, method: str, idempotency_key: str) -> Intent:
        # stripe-python's typed params name only allowed_payment_method_types; the API (and localstripe) take
        # payment_method_types, which the shop has always sent.
        params: PaymentIntentCreateParams = {
            "amount": amount_fen, "currency": CURRENCY,
            "payment_method_types": [method],  # type: ignore[typeddict-unknown-key]
            "metadata": {"order_number": order_number}}
        if method == "wechat_pay":
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        intent = self._call(self.client.v1.payment_intents.create, params=params,
                            options={"idempotency_key": idempotency_key})
        return _intent(intent.to_dict())

    def pay_with_card_token(self, intent_id: str, token: str, idempotency_key: str) -> Intent:
        """Confirm the intent with the card of a Stripe.js token (server-side confirmation); the result may
        still need the buyer's 3-D Secure step (status requires_action)."""
        customer = self._call(self.client.v1.customers.create, params={"source": token},
                              options={"idempotency_key": f"{idempotency_key}-customer-{token}"})
        source = customer.to_dict().get("default_source")
        if not isinstance(source, str):  # a customer made from a card token has that card as its default
            raise GatewayError("Stripe returned no card for this token")
        params: PaymentIntentUpdateParams = {"customer": customer.id, "payment_method": source}
        self._call(self.client.v1.payment_intents.update, intent_id, params=params)
        return _intent(self._call(self.client.v1.payment_intents.confirm, intent_id).to_dict())

    def available_methods(self) -> frozenset[str] | None:
        """The payment method types the account can take now (its default payment method configuration's
        available ones), or None when Stripe does not say: no configuration, or an API without them (localstripe).
        GatewayUnavailable when Stripe did not answer."""
        try:
            page = self._call(self.client.v1.payment_method_configurations.list)
        except GatewayUnavailable:
            raise
        except GatewayError:
            return None
        configurations = [configuration.to_dict() for configuration in page.data]
        default = next((c for c in configurations if c.get("is_default")), None)
        if default is None:
            return None
        return frozenset(name for name, value in default.items() if isinstance(value, dict) and value.get("available"))

    def cancel_intent(self, intent_id: str, idempotency_key: str) -> None:
        """Cancel a PaymentIntent nobody paid, so it can no longer take money. Stripe refuses (GatewayError)
        once the intent succeeded or is being processed."""
        self._call(self.client.v1.payment_intents.cancel, intent_id, options={"idempotency_key": idempotency_key})

    def refund(self, *, intent_id: str, amount_fen: int, idempotency_key: str, reason: str) -> tuple[str, str]:
        """Refund part or all of a payment; returns (refund id, status)."""
        refund = self._call(self.client.v1.refunds.create,
                            params={"payment_intent": intent_id, "amount": amount_fen,
                                    "metadata": {"reason": reason[:400]}},
                            options={"idempotency_key": idempotency_key})
        return refund.id, str(refund.status)

    def recent_events(self, since: datetime) -> Iterator[Event]:
        """Payment and refund events created since `since`, oldest first."""
        params: EventListParams = {"created": {"gte": int(since.timestamp())}, "limit": 100}
        page = self._call(self.client.v1.events.list, params=params)
        events = [event_from_dict(event.to_dict()) for event in page.auto_paging_iter()]
        events.sort(key=lambda event: (event.created, event.event_id))
        return iter(events)

    def parse_webhook(self, payload: bytes, signature: str | None) -> Event:
        """Verify the Stripe-Signature header on the raw body, then read the event."""
        if not signature:
            raise InvalidWebhook("missing Stripe-Signature header")
        try:
            text = payload.decode("utf-8")
            stripe.WebhookSignature.verify_header(text, signature, self.webhook_secret,
                                                  tolerance=WEBHOOK_TOLERANCE_SECONDS)
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError, stripe.SignatureVerificationError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        if not isinstance(data, dict):
            raise InvalidWebhook("the body is not a JSON object")
        return event_from_dict(data)


def get_gateway() -> StripeGateway | None:
    """The app's gateway, or None when Stripe is not configured."""
    app = current_app
    gateway: StripeGateway | None = app.extensions.get("stripe_gateway")
    if gateway is None and app.config.get("STRIPE_SECRET_KEY"):
        gateway = app.extensions["stripe_gateway"] = StripeGateway(
            app.config["STRIPE_SECRET_KEY"], app.config.get("STRIPE_WEBHOOK_SECRET") or "",
            api_base=app.config.get("STRIPE_API_BASE") or None, timeout=app.config["STRIPE_TIMEOUT"],
            network_retries=app.config["STRIPE_NETWORK_RETRIES"])
    return gateway
