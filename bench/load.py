"""The load tool: Debian's `wrk` as a separate process, with a Lua script that rotates requests.

Every request of a run is taken in turn from a list of (headers, body) pairs, so each one speaks for another
person (another bearer token, another x-person-id, another card) or asks another search. Every response body is
checked for a GraphQL `"errors"` entry; wrk itself counts non-2xx answers and socket errors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

RESULT_MARK = "BENCH-RESULT "
LUA = r"""
local requests = dofile(os.getenv("BENCH_REQUESTS"))
local formatted = {}
local next_index = 1
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  for i, r in ipairs(requests) do
    formatted[i] = wrk.format("POST", r.path, r.headers, r.body)
  end
  next_index = (id * 7919) % #formatted + 1
  responses = 0
  gql_errors = 0
  sample = ""
end

function request()
  local r = formatted[next_index]
  next_index = next_index % #formatted + 1
  return r
end

function response(status, headers, body)
  responses = responses + 1
  if string.find(body, '"errors"', 1, true) then
    gql_errors = gql_errors + 1
    if sample == "" then sample = string.gsub(string.sub(body, 1, 300), '[%c"\\]', " ") end
  end
end

function done(summary, latency, requests)
  local responses_total, errors_total, sample_out = 0, 0, ""
  for _, thread in ipairs(threads) do
    responses_total = responses_total + thread:get("responses")
    errors_total = errors_total + thread:get("gql_errors")
    local s = thread:get("sample")
    if sample_out == "" and s ~= "" then sample_out = s end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f, "non2xx": %d, "socket_errors": %d, "timeouts": %d, "checked": %d, "graphql_errors": %d, ' ..
    '"error_sample": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, e.status, e.connect + e.read + e.write, e.timeout, responses_total, errors_total,
    sample_out))
end
"""


@dataclass(frozen=True, slots=True)
class BenchRequest:
    path: str
    headers: dict[str, str]
    body: str


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    timeouts: int
    checked: int
    graphql_errors: int
    error_sample: str

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors + self.timeouts + self.graphql_errors


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian (apt-get) when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get install -y wrk) …", file=sys.stderr, flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def lua_string(value: str) -> str:
    level = 1
    while f"]{'=' * level}]" in value:
        level += 1
    eq = "=" * level
    return f"[{eq}[{value}]{eq}]"


def write_requests(requests: list[BenchRequest], path: Path) -> None:
    lines = ["return {"]
    for r in requests:
        headers = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in r.headers.items())
        lines.append(f"{{path = {lua_string(r.path)}, headers = {{{headers}}}, body = {lua_string(r.body)}}},")
    lines.append("}")
    path.write_text("\n".join(lines), encoding="utf-8")


def run_wrk(
    url: str, requests: list[BenchRequest], *, seconds: int, connections: int, threads: int = 1
) -> LoadResult:
    """Drive `url` (scheme://host:port) for `seconds` with `connections` keep-alive connections."""
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="vssid-bench-") as tmp:
        script, data = Path(tmp) / "rotate.lua", Path(tmp) / "requests.lua"
        script.write_text(LUA, encoding="utf-8")
        write_requests(requests, data)
        command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
        result = subprocess.run(  # noqa: S603 (our own command line)
            command, capture_output=True, text=True, check=False, env={"BENCH_REQUESTS": str(data), "PATH": "/usr/bin"}
        )
    line = next((x for x in result.stdout.splitlines() if x.startswith(RESULT_MARK)), None)
    if line is None:
        output = f"{result.stdout[-500:]} {result.stderr[-500:]}"
        raise RuntimeError(f"wrk gave no result (exit {result.returncode}): {output}")
    raw = json.loads(line[len(RESULT_MARK) :])
    duration = raw["duration_us"] / 1e6
    return LoadResult(
        requests=raw["requests"],
        seconds=round(duration, 2),
        rps=round(raw["requests"] / duration, 1) if duration else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        non2xx=raw["non2xx"],
        socket_errors=raw["socket_errors"],
        timeouts=raw["timeouts"],
        checked=raw["checked"],
        graphql_errors=raw["graphql_errors"],
        error_sample=raw["error_sample"],
    )
