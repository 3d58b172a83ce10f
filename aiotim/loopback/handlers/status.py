"""The status domain of the loopback cloud (one module per SDK module; see the registry)."""

from __future__ import annotations

from aiotim.loopback.handlers._call import HandlerTable

__all__ = ["HANDLERS"]

HANDLERS = HandlerTable()
