"""Errors raised by organization services."""


class OrganizationError(Exception):
    """A request about organizations that cannot be carried out; the message says why."""
