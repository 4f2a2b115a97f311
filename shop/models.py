"""Every model, imported so the metadata is complete (Alembic, relationship strings)."""
from shop.accounts.models import (  # noqa: F401
    Consent,
    CooperativeMembership,
    LoginSession,
    OrganizationMembership,
    ThrottledAttempt,
    User,
)
from shop.api.models import ApiToken  # noqa: F401
from shop.audit.models import AuditEntry  # noqa: F401
from shop.catalog.importing.models import ListingImport  # noqa: F401
from shop.catalog.models import Category, Photo, Product, SearchTerm  # noqa: F401
from shop.catalog.showcase_models import Shelf, ShelfItem, Slide  # noqa: F401
from shop.catalog.versions import CatalogueVersion  # noqa: F401
from shop.cooperatives.models import Cooperative  # noqa: F401
from shop.core.held_uploads import HeldUpload  # noqa: F401
from shop.core.outbox import QueuedMail  # noqa: F401
from shop.invoices.models import Invoice  # noqa: F401
from shop.orders.gifts.models import GiftUpload  # noqa: F401
from shop.orders.models import (  # noqa: F401
    Address,
    Cart,
    CartLine,
    Order,
    OrderCounter,
    OrderEvent,
    OrderLine,
    OrderRecipient,
    OrderShipping,
    Shipment,
)
from shop.organizations.models import Organization, Pledge, PledgeCounty  # noqa: F401
from shop.payments.models import (  # noqa: F401
    Payment,
    PaymentAlert,
    PaymentAttempt,
    Refund,
    RefundLine,
    StripeEvent,
)
from shop.regions.models import Pairing, Region  # noqa: F401
from shop.reports.certificates_models import PurchaseCertificate  # noqa: F401
from shop.reports.rollup_models import DailyTally, MonthlyBuyer  # noqa: F401
