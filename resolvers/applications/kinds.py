"""What every kind of application declares: how its input is checked and stored, and what its approval does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

Request = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Prepared:
    """The kind's input as stored: the request as the citizen sent it (`request`, what an idempotent retry is
    compared with) and the facts it was checked against (`before`: what the officer sees beside the request)."""

    input: dict[str, Any]
    amount_dong: int | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    # Checks the request for the person on the day (raising Refusal) and says what to store.
    prepare: Callable[[asyncpg.Connection, int, Request, dt.date], Awaitable[Prepared]]
    # Applies the approved (or paid) application of the person, from its stored input, on the day; returns the
    # effect, old and new.
    apply: Callable[[asyncpg.Connection, int, dict[str, Any], dt.date], Awaitable[dict[str, Any]]]
    # Paid kinds take effect when the gateway confirms the payment, with no officer's decision.
    paid: bool = False
