"""The seed's one error type, apart so every generator module can raise it without importing the package."""

from __future__ import annotations


class SeedError(RuntimeError):
    """The database cannot be seeded as asked; the message says why."""
