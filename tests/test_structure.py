"""The house's structure as tests (in the manner of asyncpg's tests/test__sourcecode.py): layers that only point
down, no import cycles, no unexplained import inside a function, no module over 300 lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.structure import (
    cycles,
    import_graph,
    layer_violations,
    long_modules,
    package_graph,
    unexplained_lazy_imports,
)

ROOT = Path(__file__).resolve().parents[1]


def test_no_import_cycle_between_modules() -> None:
    graph, _ = import_graph(ROOT)
    assert cycles(graph) == []


def test_no_import_cycle_between_top_level_packages() -> None:
    graph, _ = import_graph(ROOT)
    assert cycles(package_graph(graph)) == []


def test_every_package_imports_only_the_layers_below_it() -> None:
    graph, _ = import_graph(ROOT)
    assert layer_violations(graph) == []


def test_an_import_inside_a_function_says_why() -> None:
    _, every = import_graph(ROOT)
    assert unexplained_lazy_imports(every) == []


def test_no_module_is_over_300_lines() -> None:
    assert long_modules(ROOT) == []


def test_the_graph_sees_the_real_imports() -> None:
    # guards the tests above: the walk finds the imports the layers are made of
    graph, every = import_graph(ROOT)
    assert "schema.person" in graph["resolvers.persons"]
    assert "core.errors" in graph["db.pool"]
    assert package_graph(graph)["service"] >= {"resolvers", "schema", "core"}
    assert every


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def house(tmp_path: Path) -> Path:
    """A small tree laid out like the project: core at the bottom, schema above db."""
    _write(tmp_path, {
        "core/__init__.py": "",
        "core/errors.py": "X = 1\n",
        "db/__init__.py": "",
        "db/sql.py": "from core.errors import X\n",
        "schema/__init__.py": "",
        "schema/types.py": "from db import sql\n",
        "tests/test_x.py": "import schema.types\n",
    })
    return tmp_path


def test_a_sound_tree_passes(house: Path) -> None:
    graph, every = import_graph(house)
    assert cycles(graph) == [] and layer_violations(graph) == [] and unexplained_lazy_imports(every) == []


def test_a_deliberate_module_cycle_is_caught(house: Path) -> None:
    # when two modules of one package import each other (one of them inside a function, to dodge the cycle)
    _write(house, {"db/a.py": "from db import b\n", "db/b.py": "def f() -> None:\n    from db import a\n"})
    graph, every = import_graph(house)

    assert cycles(graph) == [["db.a", "db.b"]]
    assert unexplained_lazy_imports(every) == ["db.b:2 imports db.a"]


def test_a_deliberate_package_cycle_and_an_upward_import_are_caught(house: Path) -> None:
    # when the bottom layer reaches up into the types (an import that only runs in a function, with a comment)
    _write(house, {"core/late.py": "def f() -> None:\n    # lazy: only when asked\n    from schema import types\n"})
    graph, every = import_graph(house)

    assert cycles(package_graph(graph)) == [["core", "db", "schema"]]
    assert layer_violations(graph) == ["core -> schema"]
    assert unexplained_lazy_imports(every) == []  # it says why; the cycle is caught all the same


def test_an_import_under_type_checking_does_not_count(house: Path) -> None:
    _write(house, {"core/hints.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import schema.types\n"})
    graph, _ = import_graph(house)
    assert cycles(package_graph(graph)) == [] and layer_violations(graph) == []


def test_a_long_module_is_caught(house: Path) -> None:
    _write(house, {"db/long.py": "X = 1\n" * 301})
    assert long_modules(house) == ["db/long.py (301 lines)"]
