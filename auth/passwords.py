"""Password hashing with argon2id (argon2-cffi's defaults: RFC 9106's low-memory profile).

argon2 is deliberately slow and memory-hard, so the async helpers run it on a small thread pool of its own, in front
of which a bounded gate admits at most `workers + queue` operations: when that many are running or waiting, the next
one is refused at once with ServiceUnavailable (OVERLOADED) instead of queueing without bound behind a login flood.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import ServiceUnavailable, UnavailableReason
from core.metrics import PASSWORD_REFUSED, PASSWORD_WORK

_hasher = PasswordHasher()
T = TypeVar("T")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


class PasswordGate:
    """A counter, not an asyncio primitive: it is shared by every event loop in the process (tests run several)."""

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.admitted = 0
        self._executor: ThreadPoolExecutor | None = None

    def configure(self, workers: int, queue: int) -> None:
        if self._executor is not None and workers != self.workers:
            self._executor.shutdown(wait=False)
            self._executor = None
        self.workers, self.capacity = workers, workers + queue

    @property
    def full(self) -> bool:
        return self.admitted >= self.capacity

    async def run(self, function: Callable[..., T], *args: str) -> T:
        if self.full:
            PASSWORD_REFUSED.inc()
            raise ServiceUnavailable(UnavailableReason.OVERLOADED)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="argon2")
        self.admitted += 1
        PASSWORD_WORK.inc()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)
        finally:
            self.admitted -= 1
            PASSWORD_WORK.dec()


gate = PasswordGate(workers=os.cpu_count() or 1, queue=8 * (os.cpu_count() or 1))


async def hash_password_async(password: str) -> str:
    """Hash off the event loop; raises ServiceUnavailable when password work is already full."""
    return await gate.run(_hasher.hash, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await gate.run(verify_password, password_hash, password)
