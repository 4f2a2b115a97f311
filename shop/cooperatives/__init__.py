"""Cooperatives and other suppliers selling products from paired counties."""
