"""Why an account cannot be closed (yet); each carries a translatable message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.accounts.exceptions import AccountError


class CloseRefused(AccountError):
    """Base of the refusals: `message` is shown above the form, or beside `field` when it names one."""

    message = _l("The account could not be closed.")


class WrongPassword(CloseRefused):
    message = _l("The password is not right.")
    field = "password"


class AlreadyClosed(CloseRefused):
    message = _l("This account is already closed.")


class StaffAccount(CloseRefused):
    message = _l("Platform staff accounts are closed by another member of staff, not from this page.")


class CooperativeMember(CloseRefused):
    message = _l("You are a member of a cooperative. Ask the cooperative or the platform to remove you first: "
                 "its orders, shipments and invoices name you.")


class UnfinishedOrders(CloseRefused):
    """Orders still waiting for payment, shipment or receipt."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(_l("You still have unfinished orders (%(count)d). Close your account once they are "
                            "completed or cancelled.", count=count))


class LastOrganizationAdmin(CloseRefused):
    """The user is the only admin of these organizations."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(_l("You are the last admin of %(names)s. Make another member an admin first.",
                            names="、".join(names)))
