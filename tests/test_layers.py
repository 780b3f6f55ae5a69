"""The house rule: core/ is pure Python, stdlib only (STYLE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "core"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_only_stdlib_and_core(path: Path) -> None:
    foreign = {name for name in _imports(path) if name != "core" and name not in sys.stdlib_module_names}
    assert not foreign, f"{path.name} imports {sorted(foreign)}; core/ must stay stdlib-only"


def test_core_never_imports_bot() -> None:
    offenders = [p.name for p in CORE.rglob("*.py") if "bot" in _imports(p)]
    assert offenders == []
