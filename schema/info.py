"""The resolver `info` type: Strawberry's Info over our typed context."""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from service.context import Context

Info: TypeAlias = strawberry.Info[Context, None]
