"""The repository's client contract (contract/) holds every document of the shared contract, byte for byte.

The shared folder (../shared/contract beside the repository) is where the clients' documents are agreed; the
repository keeps its own copy so that it builds, ships and tests without that folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graphql import CONTRACT_DIR

SHARED_CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract"


def _documents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones aside), by its path relative to it."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


@pytest.mark.skipif(
    not SHARED_CONTRACT.is_dir(), reason="no ../shared/contract beside the repository: nothing to compare with"
)
def test_every_shared_document_is_in_the_repository_unchanged() -> None:
    shared = _documents(SHARED_CONTRACT)
    ours = _documents(CONTRACT_DIR)

    assert shared, f"{SHARED_CONTRACT} holds no documents"
    missing = sorted(name for name in shared if name not in ours)
    changed = sorted(name for name in shared if name in ours and ours[name] != shared[name])
    assert missing == [], f"shared documents missing from contract/: {missing}"
    assert changed == [], f"documents of contract/ that differ from the shared ones: {changed}"
