"""Integrity checks of a seeded database."""
