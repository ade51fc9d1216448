"""The research and benchmark scripts still compile and import what they use from narrascope.

They are run by hand, not by the test suite, so a renamed library function would go
unnoticed until someone needs the script (``research/entity-roles/salience.py`` imported
a helper that had moved). This compiles every script and resolves each name it imports
from ``narrascope`` without running the script itself (they read the shared data and
take minutes).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = sorted([*REPO.glob("research/**/*.py"), *REPO.glob("benchmarks/**/*.py")])


def narrascope_imports(tree: ast.AST) -> list[tuple[str, str | None]]:
    """``(module, name)`` for every ``from narrascope… import name`` and ``(module, None)`` for
    ``import narrascope…``, at any depth (scripts often import inside functions)."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("narrascope")
        ):
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.startswith("narrascope")]
    return found


def test_there_are_scripts_to_check():
    assert len(SCRIPTS) > 10
    assert REPO / "research" / "entity-roles" / "salience.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=[str(s.relative_to(REPO)) for s in SCRIPTS])
def test_script_compiles_and_its_narrascope_imports_resolve(script: Path):
    source = script.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(script))
    compile(tree, str(script), "exec")
    missing = []
    for module_name, name in narrascope_imports(tree):
        module = importlib.import_module(module_name)
        if name is None or name == "*" or hasattr(module, name):
            continue
        try:  # ``from narrascope.nlp import embed``: a submodule, not an attribute yet
            importlib.import_module(f"{module_name}.{name}")
        except ModuleNotFoundError:
            missing.append(f"{module_name}.{name}")
    assert not missing, f"{script.relative_to(REPO)} imports names that do not exist: {missing}"
