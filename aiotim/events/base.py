"""The base of every event type: a frozen, slotted dataclass with the notification's ``raw`` JSON.

An event's fields are decoded from the SDK's callback; ``raw`` keeps what they were decoded
from, always a JSON object (:data:`aiotim.models._json.JSONObject`):

- when the event stands for one JSON object of the payload (an element of an array of objects,
  one event per element, or the callback's only parameter): that object, as the SDK sent it;
- otherwise: the callback's arguments by their parameter names in the header (``user_data``
  left out), strings as ``str``, JSON parameters decoded, integers and booleans as they are,
  e.g. ``{"group_id": "g1", "topic_info": {...}}``; ``{}`` for a callback without arguments.

``raw`` is keyword-only, never compared, hashed nor shown in the repr; it defaults to ``{}`` so
events can be built by hand (in tests, say) from their fields alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiotim.models._json import JSONObject

__all__ = ["Event"]


@dataclass(frozen=True, slots=True)
class Event:
    """A typed notification of the SDK; ``raw`` is the JSON it was decoded from (see the module
    documentation)."""

    raw: JSONObject = field(default_factory=dict, kw_only=True, repr=False, compare=False)
