"""Errors of the cooperatives' services; the message is shown to the person who asked."""


class CooperativeError(Exception):
    """An application, a staff decision or a membership change cannot be made as asked."""
