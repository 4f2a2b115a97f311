"""Payments: Stripe PaymentIntents, verified webhooks, bank transfers, refunds and reconciliation.

Only `gateway.py` talks to Stripe; everything else works with the rows in `models.py`.
"""
