"""Demo data: real paired counties, plausible cooperatives and products, and generated catalogues."""
