"""Errors of the listing import; the message is shown to the cooperative."""


class ImportRejected(Exception):
    """The file as a whole cannot be read (size, format, encoding, structure); the message says why."""
