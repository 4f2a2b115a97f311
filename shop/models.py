"""Every model, imported so the metadata is complete (Alembic, relationship strings)."""
from shop.accounts.models import (  # noqa: F401
    CooperativeMembership,
    LoginSession,
    OrganizationMembership,
    ThrottledAttempt,
    User,
)
from shop.api.models import ApiToken  # noqa: F401
from shop.audit.models import AuditEntry  # noqa: F401

# Not a model module: its mapper listeners keep product_search_terms in step with products written via the ORM.
from shop.catalog import search  # noqa: F401
from shop.catalog.models import Category, Photo, Product, SearchTerm  # noqa: F401
from shop.cooperatives.models import Cooperative, ListingImport  # noqa: F401
from shop.notifications.models import QueuedMail  # noqa: F401
from shop.orders.models import (  # noqa: F401
    Address,
    Cart,
    CartLine,
    Order,
    OrderCounter,
    OrderEvent,
    OrderLine,
    Shipment,
)
from shop.organizations.models import Organization  # noqa: F401
from shop.payments.models import (  # noqa: F401
    Payment,
    PaymentAlert,
    PaymentAttempt,
    Refund,
    RefundLine,
    StripeEvent,
)
from shop.regions.models import Pairing, Region  # noqa: F401
