"""Every test in tests/reliability/ carries the ``reliability`` marker (so ``-m reliability`` runs
the suite alone)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the items collected from this folder."""
    for item in items:
        if "tests/reliability/" in item.nodeid:
            item.add_marker(pytest.mark.reliability)
