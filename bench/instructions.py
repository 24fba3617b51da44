"""Instructions the worker's process executes per request (valgrind's cachegrind), for this checkout or another.

    .venv/bin/python bench/instructions.py [--document Home|MedicalHistory|Me|Directory] [--baseline REV]
        [--requests 300] [--concurrency 16] [--raw] [--query 'query Me { me { fullName currentCard { cardNumber } } }']

Times on this shared machine move by ±10 % from one run to the next, which hides a change of 2 %. The count of
instructions does not depend on the neighbours: it runs `bench/inprocess_profile.py --direct` (the app called with
ASGI messages, on the bench database) under `valgrind --tool=cachegrind --cache-sim=no` twice, with 100 and with
100 + `--requests` requests, and prints the difference divided by `--requests`: the instructions of one request,
start-up and warm-up taken out. Repeated runs agree within about 0.5 %. It counts the Python process only
(PostgreSQL is another process), and an instruction is not a nanosecond (cache misses and system calls are not
in it): use it to compare two versions of the same code, then confirm under load with bench/run.py.

With `--baseline REV`, the same is measured for REV from its worktree (as `bench/run.py --baseline` makes it) and
the ratio is printed; the harness (`bench/inprocess_profile.py`) is this checkout's in both, copied into the
worktree. `--concurrency 16` keeps 16 requests in flight, as `wrk -c16` does under load: the event loop then
wakes once for several answers of the database, as it does under load, and the figure follows the load's (a
request alone pays a wake-up per statement; instructions barely change, the kernel's share does). Needs Debian's
valgrind (`apt-get install -y valgrind`); about a minute per count. `--raw` counts bench/raw_asyncpg.py's endpoint
instead (Home or MedicalHistory): the same answer without GraphQL, the floor the service is compared with.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.contenders import ROOT, baseline_worktree

FIRST = 100
REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def count(
    checkout: Path, document: str, requests: int, concurrency: int, *, raw: bool = False, query: str | None = None
) -> int:
    """The instructions of the whole run of `requests` requests (plus the harness's warm-up) in `checkout`."""
    command = [
        sys.executable, "bench/inprocess_profile.py", "--direct", "--document", document,
        "--requests", str(requests), "--rounds", "1", "--concurrency", str(concurrency), *(["--raw"] if raw else []),
        *(["--query", query] if query is not None else []),
    ]  # fmt: skip
    return instructions_of(command, checkout)


def instructions_of(command: list[str], cwd: Path) -> int:
    """The instructions a command executes (its whole process), under valgrind's cachegrind."""
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    done = subprocess.run([*valgrind, *command], cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    found = REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"valgrind run failed in {cwd}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return int(found[1].replace(",", ""))


def per_request(
    checkout: Path, document: str, requests: int, concurrency: int, *, raw: bool = False, query: str | None = None
) -> float:
    more = count(checkout, document, FIRST + requests, concurrency, raw=raw, query=query)
    fewer = count(checkout, document, FIRST, concurrency, raw=raw, query=query)
    return (more - fewer) / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", choices=("Directory", "Home", "MedicalHistory", "Me"), default="Home")
    parser.add_argument("--baseline", help="a git revision to compare with (run from its worktree)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight at once (16: as under load)")
    parser.add_argument("--raw", action="store_true", help="bench/raw_asyncpg.py's endpoint (Home, MedicalHistory)")
    parser.add_argument("--query", help="count this document (no variables) instead of --document's")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is missing: apt-get install -y valgrind")
    if args.raw and (args.document == "Me" or args.baseline):
        sys.exit("--raw counts Home or MedicalHistory, without --baseline")
    if args.raw and args.query:
        sys.exit("--raw counts the raw endpoint's own documents, not --query")
    name = "the document given" if args.query else args.document
    here = per_request(ROOT, args.document, args.requests, args.concurrency, raw=args.raw, query=args.query)
    what = "the raw endpoint" if args.raw else "this checkout"
    print(f"{name}: {here / 1000:,.0f} k instructions per request ({what})")
    if args.baseline:
        worktree = baseline_worktree(args.baseline)
        shared = worktree / ".bench"
        if not shared.exists():  # the bench's database, not a second one seeded for the worktree
            shared.symlink_to(ROOT / ".bench")
        shutil.copy(ROOT / "bench" / "inprocess_profile.py", worktree / "bench" / "inprocess_profile.py")
        before = per_request(worktree, args.document, args.requests, args.concurrency, query=args.query)
        print(f"{name}: {before / 1000:,.0f} k instructions per request ({args.baseline}); "
              f"this checkout / {args.baseline}: {here / before:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
