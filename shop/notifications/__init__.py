"""Queued email: written in the same transaction as the change it reports, delivered by the job runner."""
