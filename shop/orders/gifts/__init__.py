"""Gift orders: an organization's upload of recipients becomes one order with a parcel per recipient."""
