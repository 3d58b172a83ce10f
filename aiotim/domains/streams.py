"""Streams of the notifications bots use most, and ``events(EventType)`` for any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aiotim.domains._base import ClientCore
from aiotim.events.catalog import EVENT_KINDS
from aiotim.events.friends import (
    BlacklistAdded,
    BlacklistDeleted,
    FriendAdded,
    FriendDeleted,
    FriendRequestReceived,
)
from aiotim.events.groups import GroupAttributesChanged, GroupTipsEvent
from aiotim.events.messages import (
    MessageModified,
    MessageRevoked,
    ReadReceiptReceived,
    UploadProgress,
)
from aiotim.events.profiles import SelfProfileUpdated, UserStatusChanged
from aiotim.events.signaling import (
    InvitationCancelled,
    InvitationReceived,
    InvitationTimeout,
    InviteeAccepted,
    InviteeRejected,
)
from aiotim.models import C2C, Group

if TYPE_CHECKING:
    from aiotim.events.stream import OverflowPolicy, Stream

__all__ = ["EventStreamsMixin"]

E = TypeVar("E")


def _all(*checks: Callable[[Any], bool] | None) -> Callable[[Any], bool] | None:
    active = [c for c in checks if c is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]

    def predicate(event: Any) -> bool:
        return all(c(event) for c in active)

    return predicate


def _inviter_or_invitee(user: str | None, attr: str) -> Callable[[Any], bool] | None:
    if user is None:
        return None
    return lambda e: getattr(e, attr) == user


class EventStreamsMixin(ClientCore):
    """Typed event streams. Mixed into :class:`aiotim.Client`.

    Every method returns a :class:`aiotim.Stream` subscribed at once; ``where`` keeps only the
    events for which it returns true.
    """

    def events(self, event_type: type[E], *,
               where: Callable[[E], bool] | None = None, maxsize: int | None = None,
               overflow: OverflowPolicy = "drop_oldest") -> Stream[E]:
        """Every event of ``event_type`` (any type of :data:`aiotim.events.CATALOG`, e.g.
        ``aiotim.GroupTipsEvent``), in the order the SDK reports them.

        ``maxsize`` and ``overflow`` bound the stream (see :class:`aiotim.Stream`): a lossy
        policy yields :class:`aiotim.Gap` items where events were dropped.

        Raises:
            TypeError: ``event_type`` is not a class.
            KeyError: no notification carries ``event_type``.
        """
        if not isinstance(event_type, type):
            raise TypeError(f"events() needs an event class such as aiotim.MessageRevoked, "
                            f"got {event_type!r}")
        kind = EVENT_KINDS.get(event_type)
        if kind is None:
            raise KeyError(f"{event_type.__qualname__} is not an event type of "
                           "aiotim.events.CATALOG (see docs/events.md for the list)")
        return self._stream(kind, where, maxsize=maxsize, overflow=overflow)

    # -- messages -------------------------------------------------------------------------

    def revokes(self, *, conv: C2C | Group | None = None,
                where: Callable[[MessageRevoked], bool] | None = None,
                ) -> Stream[MessageRevoked]:
        """Messages revoked by their sender or an admin (one event per message).

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.locator.conv == conv)
        return self._stream("TIMSetMsgRevokeCallback", _all(by_conv, where))

    def read_receipts(self, *, conv: C2C | Group | None = None,
                      where: Callable[[ReadReceiptReceived], bool] | None = None,
                      ) -> Stream[ReadReceiptReceived]:
        """Read receipts: a C2C peer read the conversation, or a group message's read count
        changed.

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.receipt.conv == conv)
        return self._stream("TIMSetMsgReadedReceiptCallback", _all(by_conv, where))

    def modified_messages(self, *, conv: C2C | Group | None = None,
                          where: Callable[[MessageModified], bool] | None = None,
                          ) -> Stream[MessageModified]:
        """Messages modified in the cloud after they were sent (e.g. by a moderation hook).

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.message.conv == conv)
        return self._stream("TIMSetMsgUpdateCallback", _all(by_conv, where))

    def upload_progress(self, *, message_id: str | None = None,
                        where: Callable[[UploadProgress], bool] | None = None,
                        ) -> Stream[UploadProgress]:
        """Upload progress of the files of messages being sent.

        Args:
            message_id: only for this message.
        """
        by_id = None if message_id is None else (lambda e: e.message.id == message_id)
        return self._stream("TIMSetMsgElemUploadProgressCallback", _all(by_id, where))

    # -- groups ---------------------------------------------------------------------------

    def group_tips(self, *, group_id: str | None = None, tip_type: int | None = None,
                   where: Callable[[GroupTipsEvent], bool] | None = None,
                   ) -> Stream[GroupTipsEvent]:
        """Group tips: members joined, left, were kicked or promoted; group or member info
        changed.

        Args:
            group_id: only for this group.
            tip_type: only tips of this :class:`aiotim.GroupTipType`.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        by_type = None if tip_type is None else (lambda e: e.tip_type == tip_type)
        return self._stream("TIMSetGroupTipsEventCallback", _all(by_group, by_type, where))

    def group_attributes(self, *, group_id: str | None = None,
                         where: Callable[[GroupAttributesChanged], bool] | None = None,
                         ) -> Stream[GroupAttributesChanged]:
        """Changes of group attributes.

        Args:
            group_id: only for this group.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        return self._stream("TIMSetGroupAttributeChangedCallback", _all(by_group, where))

    # -- friendship -----------------------------------------------------------------------

    def friends_added(self, *, where: Callable[[FriendAdded], bool] | None = None,
                      ) -> Stream[FriendAdded]:
        """Users who became friends (one event per user)."""
        return self._stream("TIMSetOnAddFriendCallback", where)

    def friends_deleted(self, *, where: Callable[[FriendDeleted], bool] | None = None,
                        ) -> Stream[FriendDeleted]:
        """Users who are no longer friends (one event per user)."""
        return self._stream("TIMSetOnDeleteFriendCallback", where)

    def friend_requests(self, *, where: Callable[[FriendRequestReceived], bool] | None = None,
                        ) -> Stream[FriendRequestReceived]:
        """Incoming friend requests (one event per request)."""
        return self._stream("TIMSetFriendAddRequestCallback", where)

    def blacklist_added(self, *, where: Callable[[BlacklistAdded], bool] | None = None,
                        ) -> Stream[BlacklistAdded]:
        """Users added to the blacklist (one event per user)."""
        return self._stream("TIMSetFriendBlackListAddedCallback", where)

    def blacklist_deleted(self, *, where: Callable[[BlacklistDeleted], bool] | None = None,
                          ) -> Stream[BlacklistDeleted]:
        """Users removed from the blacklist (one event per user)."""
        return self._stream("TIMSetFriendBlackListDeletedCallback", where)

    # -- users ----------------------------------------------------------------------------

    def user_status(self, *, user_id: str | None = None,
                    where: Callable[[UserStatusChanged], bool] | None = None,
                    ) -> Stream[UserStatusChanged]:
        """Online and custom status changes of users (one event per user).

        Args:
            user_id: only for this user.
        """
        by_user = None if user_id is None else (lambda e: e.user_id == user_id)
        return self._stream("TIMSetUserStatusChangedCallback", _all(by_user, where))

    def self_profile(self) -> Stream[SelfProfileUpdated]:
        """Changes of the logged-in user's own profile."""
        return self._stream("TIMSetSelfInfoUpdatedCallback")

    # -- signaling ------------------------------------------------------------------------

    def invitations(self, *, inviter: str | None = None,
                    where: Callable[[InvitationReceived], bool] | None = None,
                    ) -> Stream[InvitationReceived]:
        """Signaling invitations received (e.g. calls).

        Args:
            inviter: only from this user.
        """
        return self._stream("TIMSetSignalingReceiveNewInvitationCallback",
                            _all(_inviter_or_invitee(inviter, "inviter"), where))

    def invitations_cancelled(self, *, where: Callable[[InvitationCancelled], bool] | None = None,
                              ) -> Stream[InvitationCancelled]:
        """Invitations cancelled by their inviter."""
        return self._stream("TIMSetSignalingInvitationCancelledCallback", where)

    def invitations_accepted(self, *, where: Callable[[InviteeAccepted], bool] | None = None,
                             ) -> Stream[InviteeAccepted]:
        """Invitees who accepted an invitation."""
        return self._stream("TIMSetSignalingInviteeAcceptedCallback", where)

    def invitations_rejected(self, *, where: Callable[[InviteeRejected], bool] | None = None,
                             ) -> Stream[InviteeRejected]:
        """Invitees who rejected an invitation."""
        return self._stream("TIMSetSignalingInviteeRejectedCallback", where)

    def invitations_timed_out(self, *, where: Callable[[InvitationTimeout], bool] | None = None,
                              ) -> Stream[InvitationTimeout]:
        """Invitations that timed out."""
        return self._stream("TIMSetSignalingInvitationTimeoutCallback", where)
