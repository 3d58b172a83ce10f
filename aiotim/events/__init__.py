"""Events: the catalog of notification kinds, their event types, the hub and the streams.

``CATALOG`` maps each notification setter of the SDK to its :class:`Entry` (event type and
decoder); ``EVENT_KINDS`` maps each event type back to its setter.
"""

from aiotim.events.catalog import CATALOG as CATALOG
from aiotim.events.catalog import EVENT_KINDS as EVENT_KINDS
from aiotim.events.catalog import Entry as Entry

__all__ = ["CATALOG", "EVENT_KINDS", "Entry"]
