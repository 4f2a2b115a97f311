"""The partner API (read-only tallies) and its bearer tokens."""
