"""Errors raised by cart, checkout and order services; each message is fit to show the buyer."""
from __future__ import annotations


class OrderError(Exception):
    """Base class: a request about an order that cannot be carried out."""


class CartError(OrderError):
    """The cart cannot be changed as asked (bad quantity, product not on sale...)."""


class EmptyCart(OrderError):
    """Checkout with nothing in the cart."""


class OutOfStock(OrderError):
    """Not enough stock for a line; `product_name` says which one."""

    def __init__(self, message: str, product_id: int, product_name: str):
        super().__init__(message)
        self.product_id = product_id
        self.product_name = product_name


class PriceChanged(OrderError):
    """A price changed between the checkout page and the order; the buyer must see the new total."""


class IllegalTransition(OrderError):
    """The order's state does not allow this step (e.g. receiving an unpaid order)."""


class NotAMember(OrderError):
    """Ordering for an organization the user does not belong to."""


class NotAPurchaser(NotAMember):
    """Ordering for an organization as a member whose role (viewer) does not allow it."""


class OrganizationNotVerified(OrderError):
    """Ordering for an organization the platform has not verified (yet: applied; or rejected, or suspended)."""


class OrganizationSuspended(OrganizationNotVerified):
    """Ordering for an organization that the platform has suspended."""


class InvoiceRefused(OrderError):
    """The invoice asked for cannot be given: bad title or tax number, or a seller in the cart cannot issue it."""


class AddressRefused(OrderError):
    """A typed delivery address whose province, city or district is not in the region table, or not together;
    `field` names the form field to show the message beside."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class AddressNotFound(OrderError):
    """A saved address that is not (or no longer) the user's."""
