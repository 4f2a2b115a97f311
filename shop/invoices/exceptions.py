"""Errors raised by the invoice services; each message is fit to show the person who asked."""
from __future__ import annotations


class InvoiceError(Exception):
    """An invoice (or red-letter invoice) that cannot be recorded as asked; nothing was saved."""


class InvoiceFileRejected(InvoiceError):
    """The invoice's file is not one the shop keeps (its type, size or content)."""
