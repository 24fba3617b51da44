"""DateTime is written in Vietnam time: the fixed +07:00 of every instant since 1975 is the zone's own answer."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from schema.scalars import _serialize_datetime

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def test_datetimes_are_written_as_the_zone_writes_them_before_and_after_1975() -> None:
    start = dt.datetime(1940, 1, 1, tzinfo=dt.UTC)
    instants = [start + dt.timedelta(hours=7 * i + 0.25) for i in range(0, 140_000, 7)]  # 1940 to about 2051
    instants += [dt.datetime(2026, 12, 5, 4, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-5)))]
    # seconds and microseconds of every kind (none, a few, all six digits), written by orjson since 1975
    instants += [start + dt.timedelta(days=12_000 + i, seconds=i * 37, microseconds=(i * 7919) % 1_000_000 * (i % 3))
                 for i in range(5_000)]
    assert [_serialize_datetime(i) for i in instants] == [i.astimezone(ZONE).isoformat() for i in instants]
    assert _serialize_datetime(dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC)) == "2026-12-05T00:00:00+07:00"
    # the same instants in another zone object than UTC's take the general conversion, and agree
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert [_serialize_datetime(i.astimezone(plus_two)) for i in instants] == [_serialize_datetime(i) for i in instants]
    # before 1975 the zone's own offsets (+08:00 in 1960), which no fixed offset would write
    assert _serialize_datetime(dt.datetime(1960, 1, 1, tzinfo=dt.UTC)).endswith("+08:00")
