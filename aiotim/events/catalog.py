"""The catalog: every notification kind of the SDK → its event type and decoder.

Keys are the setter names (``TIMAddRecvNewMsgCallback``, ``TIMSet…Callback``). A decoder takes
the callback's arguments as the relay delivers them (``bytes``/``None`` for strings, ``int``,
``bool``) and returns the events they carry: one per element for the array payloads whose
elements are separate notifications (messages, receipts, revokes, user ids, …), one per
callback otherwise. Each event type belongs to exactly one kind, so a type names its stream.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiotim._abi import CALLBACK_SETTERS
from aiotim.events import (
    _decode,
    community,
    conversations,
    friends,
    groups,
    messages,
    profiles,
    session,
    signaling,
)
from aiotim.events._decode import BatchDecoder, Decoder, Spec

__all__ = ["CATALOG", "EVENT_KINDS", "Entry", "decode_json", "decode_text"]

decode_text = _decode.text
decode_json = _decode.json


@dataclass(frozen=True, slots=True)
class Entry:
    """One notification kind: its setter, the event type, the decoder, and whether a payload
    yields one event per array element."""

    setter: str
    event: type
    decode: Decoder
    per_element: bool = False
    #: the same decoding for a run of notifications at once, where it is worth having (speed)
    decode_batch: BatchDecoder | None = None


_SPECS: dict[str, Spec] = {
    **session.SPECS,
    **conversations.SPECS,
    **messages.SPECS,
    **groups.SPECS,
    **friends.SPECS,
    **profiles.SPECS,
    **signaling.SPECS,
    **community.SPECS,
}


def _build() -> dict[str, Entry]:
    missing = set(CALLBACK_SETTERS) - set(_SPECS)
    extra = set(_SPECS) - set(CALLBACK_SETTERS)
    if missing or extra:  # pragma: no cover - guarded by the catalog tests
        raise RuntimeError(
            f"event catalog out of step with the ABI: missing {sorted(missing)}, "
            f"unknown {sorted(extra)}"
        )
    return {
        setter: Entry(setter, *_SPECS[setter], decode_batch=messages.BATCH.get(setter))
        for setter in CALLBACK_SETTERS
    }


CATALOG: dict[str, Entry] = _build()

#: event type → the setter (notification kind) that carries it
EVENT_KINDS: dict[type, str] = {entry.event: setter for setter, entry in CATALOG.items()}
if len(EVENT_KINDS) != len(CATALOG):  # pragma: no cover - guarded by the catalog tests
    raise RuntimeError("an event type is shared by two notification kinds")
