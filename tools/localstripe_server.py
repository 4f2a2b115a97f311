"""Run localstripe (a stateful Stripe-API server from PyPI) on loopback for the demo and the tests.

    python tools/localstripe_server.py --port 8420 \
        --webhook-url http://127.0.0.1:8000/payments/stripe/webhook --webhook-secret whsec_...

Compared with `python -m localstripe` it
- listens on 127.0.0.1 only (localstripe itself binds every interface);
- starts empty and keeps its data in memory (localstripe pickles it to a shared file after each write);
- registers the shop's webhook at start, so signed events reach the shop without a separate step;
- honours the Idempotency-Key header as Stripe documents it: a repeated POST with the same key gets
  the first answer again instead of creating a second object. localstripe ignores the header, and
  the shop relies on it to make a retry after a timeout safe;
- answers `GET /_config/deliveries` with `{"pending": N}`, the webhook deliveries not yet finished
  (localstripe sends each about a second after the change), so tests wait for them instead of sleeping;
- answers `GET /v1/payment_method_configurations` (which localstripe lacks) as Stripe does for an account whose
  default configuration makes the `--payment-methods` available; `POST /_config/payment_methods` with
  `{"methods": [...]}` changes them, and `{"methods": null}` makes the endpoint answer 404 like localstripe.
"""
from __future__ import annotations

import argparse
import asyncio
import logging

from aiohttp import web
from localstripe import resources, server, webhooks


def _idempotency_middleware():
    replies: dict[tuple[str, str], tuple[int, bytes, str]] = {}

    @web.middleware
    async def idempotency(request: web.Request, handler):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        cache_key = (request.headers.get("Authorization", ""), key)
        if cache_key in replies:
            status, body, content_type = replies[cache_key]
            return web.Response(status=status, body=body, content_type=content_type,
                                headers={"Idempotent-Replayed": "true"})
        response = await handler(request)
        if response.status < 500 and isinstance(response.body, bytes):
            replies[cache_key] = (response.status, response.body, response.content_type)
        return response

    return idempotency


def _track_deliveries(app: web.Application) -> None:
    """Keep the webhook deliveries under way in a set, and report how many at GET /_config/deliveries."""
    pending: set[asyncio.Future] = set()

    def schedule_webhook(event) -> None:
        delivery = asyncio.ensure_future(webhooks._send_webhook(event))
        pending.add(delivery)
        delivery.add_done_callback(pending.discard)

    async def deliveries(request: web.Request) -> web.Response:
        return web.json_response({"pending": len(pending)})

    resources.schedule_webhook = schedule_webhook  # the name resources.py calls on every change
    app.router.add_get("/_config/deliveries", deliveries)


KNOWN_METHODS = ("card", "alipay", "wechat_pay", "customer_balance", "link")


def _payment_method_configurations(app: web.Application, methods: list[str]) -> None:
    """The account's default payment method configuration, with `methods` available (see the docstring)."""
    state: dict[str, list[str] | None] = {"methods": methods}

    async def configurations(request: web.Request) -> web.Response:
        available = state["methods"]
        if available is None:
            return web.json_response({"error": {"type": "invalid_request_error",
                                                "message": "Unrecognized request URL"}}, status=404)
        configuration: dict[str, object] = {
            "id": "pmc_localstripe", "object": "payment_method_configuration", "active": True, "is_default": True,
            "livemode": False, "name": "Default", "parent": None, "application": None}
        for name in KNOWN_METHODS:
            shown = "on" if name in available else "off"
            configuration[name] = {"available": name in available, "display_preference": {
                "overridable": None, "preference": shown, "value": shown}}
        return web.json_response({"object": "list", "data": [configuration], "has_more": False,
                                  "url": "/v1/payment_method_configurations"})

    async def configure(request: web.Request) -> web.Response:
        state["methods"] = (await request.json()).get("methods")
        return web.Response()

    app.router.add_get("/v1/payment_method_configurations", configurations)
    app.router.add_post("/_config/payment_methods", configure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", help="where to deliver signed events")
    parser.add_argument("--webhook-secret", help="the signing secret (whsec_...) the shop verifies")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    parser.add_argument("--payment-methods", default="card,alipay,wechat_pay",
                        help="the payment methods the account can take (comma-separated)")
    args = parser.parse_args()

    resources.store.clear()
    resources.store.dump_to_disk = lambda: None  # in memory only
    if args.webhook_url:
        if not args.webhook_secret:
            parser.error("--webhook-url needs --webhook-secret")
        webhooks.register_webhook("shop", args.webhook_url, args.webhook_secret, None)

    server.app.middlewares.append(_idempotency_middleware())
    _track_deliveries(server.app)
    _payment_method_configurations(server.app, [name for name in args.payment_methods.split(",") if name])
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO)
    web.run_app(server.app, host="127.0.0.1", port=args.port, print=None,
                access_log=None if args.quiet else logging.getLogger("aiohttp.access"))


if __name__ == "__main__":
    main()
