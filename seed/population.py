"""The generated population, drawn in chunks: bounded memory, and the next chunk is drawn while the last is COPYed."""

from __future__ import annotations

import asyncio

from tqdm import tqdm

from seed.life import Context, draw_person, live
from seed.people import draw_plan
from seed.rng import stream
from seed.writer import Batch, Sink

# People per chunk. Each chunk has its own random stream, derived from the seed and the chunk's number.
CHUNK_PEOPLE = 2_000


def _draw_chunk(ctx: Context, sink: Sink, *, seed: int, chunk: int, first: int, last: int) -> Batch:
    rng = stream(seed, f"people/{chunk}")
    today = ctx.world.as_of
    for index in range(first, last):
        person, line = draw_person(rng, ctx, index, sink.next_id("people"))
        sink.add_lines("people", [line])
        live(rng, ctx, sink, person, draw_plan(rng, person.birth, person.gender, today))
    return sink.take_batch()


async def write_population(ctx: Context, sink: Sink, seed: int, persons: int, bar: tqdm) -> None:
    # Drawing runs in a worker thread while the event loop streams the previous chunk to the server, which
    # parses and indexes it on the other core. Only one chunk is drawn at a time, so ids stay sequential.
    pending: asyncio.Task[None] | None = None
    try:
        for chunk, first in enumerate(range(0, persons, CHUNK_PEOPLE)):
            last = min(persons, first + CHUNK_PEOPLE)
            batch = await asyncio.to_thread(_draw_chunk, ctx, sink, seed=seed, chunk=chunk, first=first, last=last)
            if pending is not None:
                await pending
            pending = asyncio.create_task(sink.write(batch))
            bar.update(last - first)
        if pending is not None:
            await pending
    finally:
        if pending is not None and not pending.done():
            await asyncio.wait([pending])  # leave the connection idle before the caller rolls back
