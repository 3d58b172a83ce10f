"""Network isolation check for loading the real SDK, which goes online from ``TIMInit`` on.

aiotim's own tests and tools only load the real ``libImSDK.so`` inside a network namespace with
no route out (``shared/tools/netless``); this is the check they use before doing so.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["has_routes", "isolation_problem"]


def has_routes(route_table: str | Path = "/proc/net/route") -> bool:
    """Whether the routing table lists any route (beyond its header line)."""
    try:
        lines = Path(route_table).read_text().splitlines()
    except OSError:
        return True  # cannot tell: assume the worst
    ipv6 = Path("/proc/net/ipv6_route")
    v6_routes = []
    if ipv6.exists():
        # only loopback (lo) entries are acceptable
        v6_routes = [ln for ln in ipv6.read_text().splitlines() if ln.split()[-1:] != ["lo"]]
    return len(lines) > 1 or bool(v6_routes)


def isolation_problem() -> str | None:
    """``None`` when this process cannot reach any network, else what is wrong."""
    if has_routes():
        return (
            "this process has network routes: the real libImSDK.so would connect to "
            "Tencent's servers; run it under shared/tools/netless"
        )
    return None
