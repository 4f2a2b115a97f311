"""Errors of the cooperative portal's services; the message is shown to the cooperative."""


class ListingError(Exception):
    """A listing, stock change or photo cannot be saved as asked."""
