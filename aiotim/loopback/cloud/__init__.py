"""The loopback IM cloud (Python, asyncio), lowest layer first.

``protocol``, ``state``, ``address`` (leaves) -> ``jsonshapes`` -> ``views`` -> ``connection``
-> ``app`` -> (:mod:`aiotim.loopback.handlers`) -> ``server`` -> ``embedded``, ``serve``. The
handlers sit between ``app`` and ``server``: they get the App and the Connection of each call,
and the server dispatches to them. See :mod:`aiotim.loopback` for a line on each module.
"""
