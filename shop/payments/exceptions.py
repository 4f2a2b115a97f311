"""Errors of the payments services; their messages are shown to the person who caused them."""


class PaymentError(Exception):
    """A payment, refund or bank transfer cannot be done as asked."""
