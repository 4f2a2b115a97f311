"""Errors of the catalogue's services; the message is shown to the cooperative."""


class ListingError(Exception):
    """A listing, stock change, photo or listings upload cannot be saved as asked."""
