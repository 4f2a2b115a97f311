"""Errors of the cooperatives' services; the message is shown to the person who asked."""


class CooperativeError(Exception):
    """An application, a staff decision or a membership change cannot be made as asked."""


class NotSelling(CooperativeError):
    """The cooperative is not verified (applied, suspended or rejected), so it cannot change its listings."""
