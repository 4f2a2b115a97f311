"""Errors raised by organization services; the message is shown to the person who asked."""
from __future__ import annotations


class OrganizationError(Exception):
    """A request about organizations that cannot be carried out; the message says why."""


class ApplicationError(OrganizationError):
    """An application (or its correction) cannot be accepted as given; `field` names the form field it concerns,
    None the whole form."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAnAdmin(OrganizationError):
    """Only an admin of the organization may do this (managing members, invitations, the application)."""


class MembershipError(OrganizationError):
    """A role change or removal that would break a rule, such as leaving the organization without an admin."""


class InvitationError(OrganizationError):
    """An invitation that cannot be sent, or a link that cannot be used (invalid, expired, used, withdrawn, or for
    another address)."""


class PledgeError(OrganizationError):
    """A pledge that cannot be saved as given; `field` names the form field it concerns, None the whole form."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
