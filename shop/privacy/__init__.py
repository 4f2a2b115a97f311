"""A user's own personal data: downloading it, and closing the account (orders kept, personal fields removed)."""
