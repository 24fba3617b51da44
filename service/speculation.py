"""A query's viewer guessed, and its session read with the query's first reads: one round trip fewer.

Every request with a bearer token reads its session (db/viewers.py) before anything else, alone: a round trip
of its own, then the query's reads. Most requests come from tokens the worker has verified a moment ago, so the
worker remembers the viewer each token was last verified as (auth/hints.py). A query whose token has a hint
starts on the hinted viewer; its session statement rides with the query's first batch of reads (db/combined.py
`ride`: one statement, one snapshot) and nothing is answered before it is back:

- the session gives the same viewer (the same person, session, kind, password state, access to others and the
  person's own record): the guess held, the answer stands;
- anything else (revoked, expired, another access, a changed record): the guess missed; whatever ran on it is
  thrown away, the request goes on as the viewer the session gives, from the start (Strawberry's path).

While the viewer is a guess nothing is written: a loader that writes (the access log of a guardian's or grantee's
read) first has the guess checked (`settle`, the session sent at once if it has not gone yet) and writes only for
a viewer the session confirms; a missed guess refuses the write, the plan falls back, and the request starts again
as the viewer the session gives. A missed guess has read rows it never shows, and written none. Only queries guess
(`reads_only`, decided when the body was parsed); mutations, API keys, subscriptions and a service with read
replicas (whose routing reads the session on the replica chosen: service/replicas.py) read the session first,
as before. `VSSID_VIEWER_HINTS=0` turns guessing off.
"""

from __future__ import annotations

import asyncio
import dataclasses
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from auth.hints import ViewerHints
from auth.request import bearer_token, client_address, session_from_lookup, viewer_of_session
from auth.sessions import TokenLookup, access_token_lookup
from auth.viewer import Viewer
from core.metrics import VIEWER_GUESSES
from db.pool import RequestConnection
from db.viewers import SESSION_BY_ACCESS_TOKEN
from loaders.context import Context
from service import replicas
from service.state import replicas_of

HELD, MISSED = (VIEWER_GUESSES.labels(outcome) for outcome in ("held", "missed"))


@dataclass(frozen=True, slots=True)
class Guess:
    lookup: TokenLookup
    hints: ViewerHints
    # The session row the hinted viewer was made from: the same row back verifies the guess at once.
    row: Mapping[str, Any] | None


async def request_viewer(
    hints: ViewerHints, request: Request, connection: RequestConnection
) -> tuple[Viewer, Guess | None]:
    """The viewer to start the request with, and the guess it is (None: read from its session, as always)."""
    guessing = hints.size > 0 and replicas_of(request) is None and getattr(request.state, "reads_only", False)
    token = bearer_token(request) if guessing else None
    lookup = access_token_lookup(token) if token else None
    if lookup is None:
        return await replicas.read_viewer(request, connection), None
    hinted = hints.get(lookup.hashes[0])
    if hinted is not None:
        viewer, row = hinted
        address = client_address(request)
        guessed = viewer if viewer.client_address == address else dataclasses.replace(viewer, client_address=address)
        return guessed, Guess(lookup, hints, row)
    # Guessing needs no replica routing: the session is read on the request's connection, as read_viewer would.
    viewer, row = await session_from_lookup(connection, lookup, client_address(request))
    hints.put(lookup.hashes[0], viewer, row)
    return viewer, None


def start(guess: Guess, context: Context) -> None:
    """Send the guess's session with the request's first reads; nothing is written until it is verified."""
    reads = context.loaders.reads
    assert reads is not None  # an HTTP request's loaders read through its one connection
    lookup, address = guess.lookup, context.viewer.client_address
    rows = reads.ride(SESSION_BY_ACCESS_TOKEN, lookup.person_id, lookup.hashes)
    context.loaders.guessed = True

    async def check() -> Viewer | None:
        """None if the session row is the very row the hinted viewer was made from (the guess held), else the
        viewer the row gives (remembered for the token's next request)."""
        if not rows.done():
            await reads.send_riders()
        found = await rows
        row = found[0] if found else None
        if row is not None and row == guess.row:
            return None
        viewer = viewer_of_session(row, address)
        guess.hints.put(lookup.hashes[0], viewer, row)
        return viewer

    context.viewer_check = check
    # A write the query needs (a guardian's read logged) waits for the check instead of giving the plan up. The
    # context is held weakly: the loaders it holds would otherwise hold it back (a cycle left to the collector).
    request_context = weakref.ref(context)

    async def verify() -> bool:
        alive = request_context()
        return alive is not None and await settle(alive)

    context.loaders.verify = verify


async def settle(context: Context) -> bool:
    """Verify the request's guessed viewer, if any: True if it held (or there was no guess); False if it missed,
    and then the context serves the viewer its session gives, with fresh loaders. The check runs once: a caller
    while it runs (a write waiting for it, the plan's end) waits for the same outcome."""
    check = context.viewer_check
    if check is None:
        return True
    if type(check) is list:  # being checked by another caller: its outcome, when it comes
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        check.append(waiter)
        return await waiter
    assert callable(check)
    waiters: list[asyncio.Future[bool]] = []
    context.viewer_check = waiters
    try:
        viewer = await check()
    except BaseException as exc:
        context.viewer_check = check  # not checked: a later caller checks again
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(exc) if isinstance(exc, Exception) else waiter.cancel()
        raise
    guessed = context.viewer
    held = viewer is None or (viewer == guessed and viewer.person == guessed.person)
    if held:
        HELD.inc()
        context.loaders.guessed = False
    else:
        assert viewer is not None
        MISSED.inc()
        context.use_viewer(viewer)
    context.viewer_check = None
    for waiter in waiters:
        if not waiter.done():
            waiter.set_result(held)
    return held
