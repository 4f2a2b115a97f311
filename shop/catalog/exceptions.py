"""Errors of the catalogue's services; the message is shown to the cooperative."""


class ListingError(Exception):
    """A listing, stock change, photo or listings upload cannot be saved as asked."""


class ShowcaseError(Exception):
    """A home page slide or section cannot be saved as staff asked; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
