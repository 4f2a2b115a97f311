"""Every model, imported so the metadata is complete (Alembic, relationship strings)."""
from shop.catalog.models import Category, Photo, Product  # noqa: F401
from shop.cooperatives.models import Cooperative  # noqa: F401
from shop.regions.models import Pairing, Region  # noqa: F401
