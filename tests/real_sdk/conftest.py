"""Guards for the tests that load the real ``libImSDK.so``, which goes online from ``TIMInit`` on.

A test marked ``real_sdk`` is skipped, saying why, when this process can reach a network (run the
suite under ``shared/tools/netless``) or when the SDK is not cached (``scripts/fetch-real-sdk``).
Nothing here loads the library: that happens only in a test's body, after the ``real_sdk_path``
fixture has checked the isolation once more, so collection never ``dlopen``s it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aiotim.tools.netguard import isolation_problem
from tests.real_sdk.paths import SKIP_REASON, cached_library

NOT_ISOLATED = "not isolated: run under shared/tools/netless"


def _refusal() -> str | None:
    """Why the real SDK must not be loaded here, or None when it may be."""
    problem = isolation_problem()
    if problem is not None:
        return f"{NOT_ISOLATED} ({problem})"
    if cached_library() is None:
        return SKIP_REASON
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every ``real_sdk`` test up front when the SDK must not or cannot be loaded."""
    reason = _refusal()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("real_sdk") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def real_sdk_path() -> Path:
    """The cached ``libImSDK.so``, after checking (again, right before use) the isolation."""
    reason = _refusal()
    if reason is not None:
        pytest.skip(reason)
    path = cached_library()
    assert path is not None
    return path
