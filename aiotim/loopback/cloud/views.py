"""What one user sees of the stored state: Message and ConvInfo JSON with per-viewer flags.

:mod:`.jsonshapes` builds the objects; this module looks up what they depend on in the
:class:`~aiotim.loopback.cloud.state.Store` — whether a message is read (by the viewer, by the
peer) and a conversation's last message. The connection (when it renders notifications) and the
handlers (when they answer) both use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiotim.loopback.cloud import jsonshapes
from aiotim.loopback.cloud.state import C2C, Store, StoredConversation, StoredMessage

__all__ = ["conv_view", "message_views"]


def message_views(
    store: Store,
    viewer: str,
    msgs: Sequence[StoredMessage],
    local: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Message objects of ``msgs`` as ``viewer`` sees them (``local``: the sender-only keys)."""
    views = []
    convs = store.convs.get(viewer, {})
    for msg in msgs:
        from_self = msg.sender == viewer
        if msg.conv_type == C2C:
            if from_self:
                theirs = store.find_conversation(msg.target, C2C, viewer)
                is_read = True
                is_peer_read = theirs is not None and msg.seq <= theirs.read_seq
            else:
                mine = convs.get((C2C, msg.sender))
                is_read = mine is not None and msg.seq <= mine.read_seq
                is_peer_read = False
        else:
            is_read, is_peer_read = from_self, False
        views.append(
            jsonshapes.message_view(
                msg, viewer, is_read=is_read, is_peer_read=is_peer_read, local=local
            )
        )
    return views


def conv_view(store: Store, conv: StoredConversation) -> dict[str, Any]:
    """The ConvInfo object of ``conv``, with its last message as its owner sees it."""
    last = store.message_at(conv.conv_key, conv.last_seq) if conv.last_seq else None
    last_view = message_views(store, conv.owner, [last])[0] if last is not None else None
    return jsonshapes.conv_view(conv, last_view)
