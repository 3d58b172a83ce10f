# The C decoder of message JSON (aiotim/models/_cmessage.c); configured by aiotim.models.message.
from typing import Any

def configure(
    message_type: type,
    slots: dict[str, Any],
    text_elem_type: type,
    text_slot: Any,
    address: Any,
    statuses: dict[int, Any],
    priorities: dict[int, Any],
) -> None: ...
def decode(payload: bytes) -> tuple[list[Any], int] | None: ...
def decode_one(payload: bytes) -> Any: ...
def decode_many(batch: list[tuple[Any, ...]]) -> tuple[list[Any], int] | None: ...
def track(obj: object) -> None: ...
def mark_at_me(msgs: list[Any], user_id: str, at_all: tuple[str, ...]) -> None: ...

#: decode() for C callers (aiotim/_native/records.c's set_decoder)
decode_payload_capsule: object
