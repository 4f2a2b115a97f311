"""The product catalogue: categories, products, photos; browsing, search and county pages."""
