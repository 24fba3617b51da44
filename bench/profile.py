"""A py-spy profile of a contender while wrk drives it (`bench/run.py --profile <contender>`).

py-spy samples the server's processes from outside (no code change; `--gil`: only samples where Python runs,
so waiting on the network or on the database is left out), writes collapsed stacks
to bench/results/, and the top frames by own time and by inclusive time are printed and written beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
TOP = 25


class Profiled(Protocol):
    @property
    def process(self) -> subprocess.Popen[bytes]: ...

    @property
    def contender(self) -> object: ...


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is missing: .venv/bin/pip install py-spy")
    return found


def short(frame: str) -> str:
    """'resolve (resolvers/cards.py:70)' with the site-packages prefix cut."""
    return frame.replace(str(ROOT) + "/", "").split("site-packages/")[-1]


PACKAGES = ("graphql", "strawberry", "asyncpg", "aiodataloader", "uvicorn", "starlette", "asyncio", "granian",
            "orjson", "prometheus_client", "schema", "resolvers", "service", "auth", "db", "logging", "json")


def package_of(frame: str) -> str:
    """The package a frame's file belongs to ('graphql' for 'graphql/execution/executor.py:954')."""
    location = frame.rsplit("(", 1)[-1]
    top = location.split("/", 1)[0] if "/" in location else location.split(".", 1)[0]
    return top if top in PACKAGES else "other"


def summarise(raw: Path) -> str:
    packages: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    callers: Counter[tuple[str, str]] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [short(f) for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        packages[package_of(frames[-1])] += count
        python = [f for f in frames if ".py:" in f]
        callers[(frames[-1], python[-1] if python else "?")] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples"
    lines = [f"{total} samples", "", "own time by package:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in packages.most_common()]
    lines += ["", "own time:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(TOP)]
    lines += ["", "the Python frame under each of the top 3 own-time frames (with --native, where C code runs):"]
    for frame, _ in own.most_common(3):
        under = [(c, n) for (leaf, c), n in callers.most_common() if leaf == frame][:4]
        lines += [f"  {frame}:"] + [f"    {100 * n / total:5.1f}%  {c}" for c, n in under]
    lines += ["", "inclusive time:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(TOP)]
    return "\n".join(lines)


@contextlib.contextmanager
def profile_during(running: Profiled, args: argparse.Namespace, document: str) -> Iterator[Callable[[], str]]:
    name = str(getattr(running.contender, "name", ""))
    if args.profile != name:
        yield lambda: ""
        return
    raw = RESULTS_DIR / f"profile-{name}-{document}.txt"
    command = [
        py_spy(), "record", "--pid", str(running.process.pid), "--subprocesses", "--gil", "--rate", "200",
        *(["--native"] if args.profile_native else []),
        "--duration", str(args.duration), "--format", "raw", "--output", str(raw),
    ]  # fmt: skip
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    note = ""
    try:
        yield lambda: note
    finally:
        _, err = spy.communicate(timeout=args.duration + 60)
        if raw.exists():
            summary = summarise(raw)
            raw.with_name(raw.stem + "-top.txt").write_text(summary + "\n", encoding="utf-8")
            print(summary, flush=True)
            note = f"; profile in {raw.relative_to(ROOT)}"
        else:
            note = f"; py-spy failed: {err.decode(errors='replace')[-300:]}"
