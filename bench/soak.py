"""Soak test: minutes of mixed load against a running service; prints requests, errors by kind, and the server's RSS.

    .venv/bin/python main.py serve &                      # the demo data set (demo logins and partner key)
    .venv/bin/python bench/soak.py --duration 180         # 3 minutes, 8 concurrent clients

The mix: 75% Home for signed-in demo citizens, 20% facility directory searches as the demo partner (paced under the
partner's rate limit: over it, a Home instead), 5% logins (argon2), each followed at once by a Home with the new
session. Every `--interval` seconds it prints the requests so far and the resident memory of the server's Python
processes (found by `--pid`, or as the `main.py serve` processes and their children).

With read replicas (docs/replicas.md), `--kill-replica FOLDER` SIGKILLs that standby's postmaster `--kill-at` seconds
in and starts it again `--restart-after` seconds later; `--dsn` (the primary) then checks that nothing was lost:
every login the service answered has its audit event on the primary.

    .venv/bin/python main.py serve --replicas 2 &
    .venv/bin/python bench/soak.py --duration 120 --kill-replica .data/replicas/replica1 \
        --dsn "postgresql://postgres@/vssid?host=$PWD/.data/postgres"
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.replica_server import StreamingReplica  # noqa: E402
from seed.demo import DEMO_LOGINS  # noqa: E402 - after the path set-up, for running as a script

CONTRACT = ROOT / "contract"
HOME = "query Home { me { id fullName currentCard { cardNumber validTo primaryFacility { code name } } " \
    "contributionSummary { totalMonths unpaidMonths } medicalVisits(first: 5) { edges { node { id totalCost } } } } }"
SEARCH = (
    "query Search($filter: FacilityFilter, $first: Int) { facilities(filter: $filter, first: $first) "
    "{ totalCount edges { node { code name address } } } }"
)
LOGIN = (
    "mutation Login($socialInsuranceCode: String!, $password: String!) { login(socialInsuranceCode: "
    "$socialInsuranceCode, password: $password) { accessToken errors { code } } }"
)
SEARCH_WORDS = ("benh vien", "tram y te", "bach mai", "da khoa", "phong kham", "cho ray", "nhi", "mat")
# The demo partner may make 1,200 directory requests a minute; stay under it.
SEARCHES_PER_SECOND = 15
LOGIN_SHARE = 0.05
DIRECTORY_SHARE = 0.20


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        self.requests[kind] += 1
        self.latencies[kind].append(seconds)
        if error:
            self.errors[f"{kind}: {error}"] += 1


@dataclass
class Pacer:
    """Allows `rate` events per second; the rest of the time the caller does something else."""

    rate: int
    second: int = 0
    used: int = 0

    def take(self) -> bool:
        now = int(time.monotonic())
        if now != self.second:
            self.second, self.used = now, 0
        if self.used >= self.rate:
            return False
        self.used += 1
        return True


def error_kind(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        codes = _codes(response)
        return f"HTTP {response.status_code}" + (f" {codes[0]}" if codes else "")
    codes = _codes(response)
    return codes[0] if codes else None


def _codes(response: httpx.Response) -> list[str]:
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        return []
    codes = [str(e.get("extensions", {}).get("code", "NO_CODE")) for e in body.get("errors") or []]
    data = body.get("data") or {}
    login = data.get("login") if isinstance(data, dict) else None
    if isinstance(login, dict):
        codes += [e["code"] for e in login.get("errors") or []]
    return codes


async def call(
    http: httpx.AsyncClient, tally: Tally, kind: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await http.post("/graphql", json=body, headers=headers)
    except httpx.HTTPError as exc:
        tally.record(kind, time.perf_counter() - started, type(exc).__name__)
        return None
    tally.record(kind, time.perf_counter() - started, error_kind(response))
    return response


async def client_loop(http: httpx.AsyncClient, tally: Tally, tokens: list[str], pacer: Pacer, until: float) -> None:
    citizens = [login for login in DEMO_LOGINS if login.role == "citizen"]
    partner_key = next(login.api_key for login in DEMO_LOGINS if login.api_key)
    rng = random.Random()
    while time.monotonic() < until:
        draw = rng.random()
        if draw < LOGIN_SHARE:
            who = rng.choice(citizens)
            variables = {"socialInsuranceCode": who.social_insurance_code, "password": who.password}
            answer = await call(http, tally, "login", {"query": LOGIN, "variables": variables}, {})
            token = _new_token(answer)
            if token:  # the new session reads at once: its own write, maybe not on a replica yet
                await call(http, tally, "home-after-login", {"query": HOME}, {"Authorization": f"Bearer {token}"})
        elif draw < LOGIN_SHARE + DIRECTORY_SHARE and pacer.take():
            search: dict[str, Any] = {"filter": {"search": rng.choice(SEARCH_WORDS)}, "first": 10}
            partner = {"X-API-Key": str(partner_key)}
            await call(http, tally, "directory", {"query": SEARCH, "variables": search}, partner)
        else:
            await call(http, tally, "home", {"query": HOME}, {"Authorization": f"Bearer {rng.choice(tokens)}"})


def _new_token(response: httpx.Response | None) -> str | None:
    if response is None or response.status_code != 200:
        return None
    login = (response.json().get("data") or {}).get("login") or {}
    token = login.get("accessToken")
    return token if isinstance(token, str) else None


async def kill_and_restart(folder: Path, kill_at: float, restart_after: float) -> None:
    """SIGKILL a standby's postmaster `kill_at` seconds in, start it again `restart_after` seconds later."""
    port = int((folder / "postmaster.pid").read_text().splitlines()[3])
    standby = StreamingReplica("", folder, port)
    await asyncio.sleep(kill_at)
    standby.kill()
    print(f"killed the standby in {folder} (port {port})", flush=True)
    await asyncio.sleep(restart_after)
    await asyncio.to_thread(standby.start)
    print(f"started the standby in {folder} again", flush=True)


async def lost_logins(dsn: str, since: float, answered: int) -> None:
    """Each login answered with a token has its audit event on the primary: nothing written was lost."""
    import asyncpg  # only with --dsn: the soak otherwise speaks HTTP alone

    conn = await asyncpg.connect(dsn)
    try:
        recorded = await conn.fetchval(
            "select count(*) from audit_events where event = 'login' and at >= to_timestamp($1)", since
        )
    finally:
        await conn.close()
    print(f"logins answered with a session: {answered}; their audit events on the primary: {recorded} "
          f"({'nothing lost' if recorded >= answered else 'LOST ' + str(answered - recorded)})")


def server_processes(pids: list[int]) -> list[psutil.Process]:
    if pids:
        roots = [psutil.Process(pid) for pid in pids]
    else:
        roots = [
            p for p in psutil.process_iter(["cmdline"])
            if "main.py" in (p.info["cmdline"] or []) and "serve" in (p.info["cmdline"] or [])
        ]
    found = {p.pid: p for root in roots for p in [root, *root.children(recursive=True)]}
    # The embedded PostgreSQL is a child too: report only the Python processes (the service).
    return [p for p in found.values() if "python" in p.name().lower()]


def rss_mb(processes: list[psutil.Process]) -> float:
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


async def sign_in(http: httpx.AsyncClient) -> list[str]:
    tokens = []
    for login in DEMO_LOGINS:
        if login.role != "citizen":
            continue
        variables = {"socialInsuranceCode": login.social_insurance_code, "password": login.password}
        response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
        token = response.json()["data"]["login"]["accessToken"]
        if not token:
            raise SystemExit(f"cannot sign in {login.social_insurance_code}: {response.text}")
        tokens.append(token)
    return tokens


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(tally: Tally, seconds: float, rss: list[tuple[float, float]]) -> None:
    total = sum(tally.requests.values())
    print(f"\n{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s); errors: {sum(tally.errors.values())}")
    print(f"{'kind':<10} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind, count in sorted(tally.requests.items()):
        values = tally.latencies[kind]
        mean = statistics.fmean(values) * 1000
        print(f"{kind:<10} {count:>9} {percentile(values, 0.5):>8.1f} {percentile(values, 0.99):>8.1f} {mean:>8.1f}")
    print("errors by kind:" if tally.errors else "errors by kind: none")
    for kind, count in tally.errors.most_common():
        print(f"  {kind}: {count}")
    print("server RSS (MB) over time: " + ", ".join(f"{t:.0f}s {mb:.1f}" for t, mb in rss))


async def main(args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=args.url, timeout=30, limits=limits) as http:
        tokens = await sign_in(http)
        processes = server_processes(args.pid)
        if not processes:
            raise SystemExit("no server process found: pass --pid")
        tally, pacer = Tally(), Pacer(SEARCHES_PER_SECOND)
        wall_started = time.time()
        chaos = [asyncio.create_task(kill_and_restart(args.kill_replica, args.kill_at, args.restart_after))
                 ] if args.kill_replica else []
        started = time.monotonic()
        until = started + args.duration
        rss = [(0.0, rss_mb(processes))]
        print(f"soaking {args.url} for {args.duration} s with {args.concurrency} clients; "
              f"server pids {[p.pid for p in processes]}, RSS {rss[0][1]:.1f} MB")
        clients = [asyncio.create_task(client_loop(http, tally, tokens, pacer, until)) for _ in range(args.concurrency)]
        while time.monotonic() < until:
            await asyncio.sleep(min(args.interval, max(0.0, until - time.monotonic())))
            elapsed = time.monotonic() - started
            rss.append((elapsed, rss_mb(processes)))
            print(f"{elapsed:6.0f}s  requests {sum(tally.requests.values()):>7}  errors {sum(tally.errors.values()):>5}"
                  f"  RSS {rss[-1][1]:.1f} MB", flush=True)
        await asyncio.gather(*clients, *chaos)
        report(tally, time.monotonic() - started, rss)
        if args.dsn:
            logins = tally.requests["home-after-login"]  # one per login answered with a token
            await lost_logins(args.dsn, wall_started, logins)
        print("RSS by process at the end (MB): " + ", ".join(
            f"{p.pid} {' '.join(p.cmdline()[-2:])[:40]!r} {rss_mb([p]):.1f}" for p in processes if p.is_running()
        ))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between progress and RSS lines")
    parser.add_argument("--pid", type=int, action="append", default=[], help="server process id (repeatable)")
    parser.add_argument("--kill-replica", type=Path, help="a standby's data folder: kill it during the soak")
    parser.add_argument("--kill-at", type=float, default=30.0, help="seconds in, the standby is killed")
    parser.add_argument("--restart-after", type=float, default=20.0, help="seconds later, it is started again")
    parser.add_argument("--dsn", help="the primary's DSN: check that every answered login was recorded there")
    asyncio.run(main(parser.parse_args()))
