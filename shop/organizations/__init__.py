"""Buying organizations: budget units, unions, companies, charities and social organizations."""
