"""Cart, checkout, orders and order lines (built in the checkout issue)."""
