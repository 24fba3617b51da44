"""Programs that tests drive and the machine may lack: Debian's Chromium and npm packages, installed on first use.

On a machine where they cannot be installed (no root for apt, no npm) the test that needs them is skipped with the
reason; CI runs as root with Debian's packages and the npm registry reachable, so there they run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# npm packages for tests, installed into the project's ignored cache folder, pinned.
NODE_TOOLS = ROOT / ".cache" / "node-tools"


def chromium() -> str:
    """The path of Debian's Chromium, installed with apt-get when missing."""
    found = shutil.which("chromium")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium) and this user cannot install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run([apt, "install", "-y", "-q", "chromium"], env=env, capture_output=True, text=True,
                               timeout=900, check=False)  # fmt: skip
    if installed.returncode != 0:
        subprocess.run([apt, "update", "-q"], env=env, capture_output=True, timeout=600, check=False)
        installed = subprocess.run([apt, "install", "-y", "-q", "chromium"], env=env, capture_output=True,
                                   text=True, timeout=900, check=False)  # fmt: skip
    found = shutil.which("chromium")
    assert found, f"apt-get install chromium failed: {installed.stderr[-2000:]}"
    return found


def node_package(name: str, version: str) -> Path:
    """The folder of an npm package at `version`, installed under .cache/node-tools when missing."""
    folder = NODE_TOOLS / "node_modules" / name
    manifest = folder / "package.json"
    if manifest.exists() and f'"version": "{version}"' in manifest.read_text():
        return folder
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are needed (Debian: apt-get install nodejs npm)")
    NODE_TOOLS.mkdir(parents=True, exist_ok=True)
    installed = subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(NODE_TOOLS), f"{name}@{version}"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert installed.returncode == 0, f"npm install {name}@{version} failed: {installed.stderr[-2000:]}"
    return folder
