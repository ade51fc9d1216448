"""Shared pytest setup: the shared-data location and the opt-in slow marker."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SEMEVAL = SHARED_DATA / "semeval2025-task10"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow test: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def semeval_data() -> Path:
    if not SEMEVAL.exists():
        pytest.skip(f"shared SemEval data not found at {SEMEVAL}")
    return SEMEVAL
