"""The README's table of demo logins is the seed's (seed/demo.py DEMO_LOGINS), row for row."""

from __future__ import annotations

from pathlib import Path

from seed.demo import DEMO_LOGINS

README = Path(__file__).resolve().parents[1] / "README.md"


def _demo_rows() -> list[list[str]]:
    section = README.read_text(encoding="utf-8").split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # the header aside
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows if not row.startswith("|---")]


def test_the_readme_lists_every_demo_login_as_seeded() -> None:
    rows = _demo_rows()

    assert [(r[0], r[1], r[2]) for r in rows] == [
        (d.role, d.label, d.social_insurance_code or "—") for d in DEMO_LOGINS
    ]
    assert [r[5] for r in rows] == [d.note for d in DEMO_LOGINS]
    for row, demo in zip(rows, DEMO_LOGINS, strict=True):
        assert row[3] == (f"`{demo.password}`" if demo.password else "—")
