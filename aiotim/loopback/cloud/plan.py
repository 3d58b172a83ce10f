"""``Plan``: the IM edition a loopback cloud runs as, and the functions each edition refuses.

``Cloud(..., plan=Plan.STANDARD)`` (or ``aiotim loopback serve --plan standard``) makes the
loopback refuse what Tencent IM refuses an app on that edition, with the real code, so a bot
can be tested against what its plan allows. The default is the highest edition: everything
the loopback serves works.

A leaf module (imports nothing of the loopback): the App holds the plan, the handler registry
checks :func:`refusal` before it runs a handler.

Editions. Source: https://trtc.io/document/55096 ("You can upgrade your app to Standard, Pro
(formerly Advanced, now renamed Pro), Pro Plus, and Enterprise edition"; a new app starts on
Free Trial). The C SDK's headers call the edition most features need 旗舰版 ("需要您购买旗舰版
套餐"); older English pages call it Ultimate (intl.cloud.tencent.com/document/product/1047/34419)
or Premium (trtc.io/document/34349), today's pages Pro: read receipts are "only supported by
the Pro edition, Pro Plus edition, Enterprise edition" (trtc.io/document/59439), where the
older page said "premium edition" (tencentcloud.com/document/product/1047/58661).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["GATED", "Plan", "refusal"]


class Plan(enum.IntEnum):
    """An edition of Tencent IM, lowest first (a higher one includes what a lower one does).

    ``ULTIMATE`` and ``PREMIUM`` are older names of ``PRO`` (旗舰版).
    """

    #: Free Trial (体验版): what a new app starts on.
    FREE_TRIAL = 0
    #: Standard (formerly "Pro", 专业版).
    STANDARD = 1
    #: Pro (旗舰版; formerly Ultimate / Premium): read receipts, reactions, extensions, pins,
    #: local search, conversation marks and groups, user status, follows ...
    PRO = 2
    #: Pro Plus: also cloud message search.
    PRO_PLUS = 3
    #: Enterprise: the highest edition (the loopback's default).
    ENTERPRISE = 4
    ULTIMATE = 2
    PREMIUM = 2

    @classmethod
    def parse(cls, name: str) -> Plan:
        """The plan named ``name`` (case-insensitive; ``pro-plus``, ``pro_plus``, ``ultimate``
        ...).

        Raises:
            ValueError: no edition has that name (the message lists them).
        """
        key = name.strip().upper().replace("-", "_").replace(" ", "_")
        try:
            return cls[key]
        except KeyError:
            names = ", ".join(p.label for p in cls)
            raise ValueError(f"no IM plan named {name!r}: use one of {names}") from None

    @property
    def label(self) -> str:
        """The name as ``--plan`` takes it: ``free-trial``, ``standard``, ``pro`` ..."""
        return self.name.lower().replace("_", "-")

    @property
    def title(self) -> str:
        """The edition's name as Tencent's pages write it."""
        return _TITLES[self]


_TITLES = {
    Plan.FREE_TRIAL: "Free Trial",
    Plan.STANDARD: "Standard",
    Plan.PRO: "Pro (旗舰版, formerly Ultimate)",
    Plan.PRO_PLUS: "Pro Plus",
    Plan.ENTERPRISE: "Enterprise",
}

#: The real service's code for a function the app's edition does not include: 7013
#: ERR_SDK_INTERFACE_NOT_SUPPORT, "套餐包不支持该接口的使用，请升级到旗舰版套餐" (the package does
#: not support this interface, upgrade to 旗舰版). Source: TIMErrorCode.h:44.
NOT_IN_PLAN = 7013
#: The code for a value-added service the app has not bought: 60020
#: ERR_SVR_COMM_INVALID_SERVICE (TIMErrorCode.h:204). Cloud message search answers it:
#: "如果您没有开通该服务，调用接口会返回 60020 错误码" (TIMMessageManager.h:1577); "If this service
#: is not activated, calling the interface will return the error code 60020"
#: (https://trtc.io/document/67834).
SERVICE_NOT_BOUGHT = 60020

# Every function the C SDK's headers mark "需要您购买旗舰版套餐" (needs 旗舰版 = Pro) and the
# loopback serves. Source: the linux headers, at the line of each function's doc comment.
_PRO = (
    # TIMMessageManager.h
    "TIMMsgSearchLocalMessages",  # 6.11, :1531
    "TIMMsgSendMessageReadReceipts",  # 6.13, :1608 (C2C and group)
    "TIMMsgGetMessageReadReceipts",  # 6.14, :1628
    "TIMMsgGetGroupMessageReadMemberList",  # 6.15, :1663
    "TIMMsgSetMessageExtensions",  # 6.16, :1703
    "TIMMsgGetMessageExtensions",  # 6.17, :1763
    "TIMMsgDeleteMessageExtensions",  # 6.18, :1801
    "TIMMsgAddMessageReaction",  # 6.19, :1849
    "TIMMsgRemoveMessageReaction",  # 6.20, :1902
    "TIMMsgGetMessageReactions",  # 6.21, :1923
    "TIMMsgGetAllUserListOfMessageReaction",  # 6.22, :1942
    "TIMPinGroupMessage",  # 6.25, :2010
    "TIMGetPinnedGroupMessageList",  # 6.26, :2033
    # TIMConversationManager.h
    "TIMConvMarkConversation",  # 6.10, :607
    "TIMConvCreateConversationGroup",  # 7.1, :767
    "TIMConvGetConversationGroupList",  # 7.2, :796
    "TIMConvDeleteConversationGroup",  # 7.3, :822
    "TIMConvRenameConversationGroup",  # 7.4, :841
    "TIMConvAddConversationsToGroup",  # 7.5, :862
    "TIMConvDeleteConversationsFromGroup",  # 7.6, :888
    # TIMManager.h
    "TIMSubscribeUserInfo",  # 6.3, :563
    "TIMUnsubscribeUserInfo",  # 6.4, :589
    "TIMGetUserStatus",  # 6.5, :612
    "TIMSubscribeUserStatus",  # 6.7, :657
    # TIMFriendshipManager.h
    "TIMFriendshipSearchFriends",  # 4.4, :673
    "TIMFollowUser",  # 9.1, :1127
    "TIMUnfollowUser",  # 9.2, :1156
    "TIMGetMyFollowingList",  # 9.3, :1185
    "TIMGetMyFollowersList",  # 9.4, :1206
    "TIMGetMutualFollowersList",  # 9.5, :1227
    "TIMGetUserFollowInfo",  # 9.6, :1248
    "TIMCheckFollowType",  # 9.7, :1272
    # TIMGroupManager.h
    "TIMGroupSearchGroups",  # 5.2, :555
    "TIMGroupSearchGroupMembers",  # 7.2, :1115
    "TIMGroupMarkGroupMemberList",  # 7.6, :1295
    # TIMCommunityManager.h: permission groups, "该功能为旗舰版功能" (:492-801)
    "TIMCommunityCreatePermissionGroupInCommunity",
    "TIMCommunityDeletePermissionGroupFromCommunity",
    "TIMCommunityModifyPermissionGroupInfoInCommunity",
    "TIMCommunityGetJoinedPermissionGroupListInCommunity",
    "TIMCommunityGetPermissionGroupListInCommunity",
    "TIMCommunityAddCommunityMembersToPermissionGroup",
    "TIMCommunityRemoveCommunityMembersFromPermissionGroup",
    "TIMCommunityGetCommunityMemberListInPermissionGroup",
    "TIMCommunityAddTopicPermissionToPermissionGroup",
    "TIMCommunityDeleteTopicPermissionFromPermissionGroup",
    "TIMCommunityModifyTopicPermissionInPermissionGroup",
    "TIMCommunityGetTopicPermissionInPermissionGroup",
)
# Not gated here because the gate depends on the arguments (the header marks only one case):
# TIMGroupDeleteMember on an AVChatRoom (TIMGroupManager.h:1256), creating a Community group
# (:109), TIMGroupGetMemberInfoList's AVChatRoom online list (:1074).

_GATED: dict[str, Plan] = dict.fromkeys(_PRO, Plan.PRO)
# Cloud search: "only available to Pro Plus and Enterprise customers" (trtc.io/document/67834;
# the header says 旗舰版 and "IM 增值功能", TIMMessageManager.h:1568-1577: the header predates
# Pro Plus).
_GATED["TIMMsgSearchCloudMessages"] = Plan.PRO_PLUS

#: The lowest plan that includes each gated function (read-only); a function not listed is
#: served on every plan.
GATED: Mapping[str, Plan] = MappingProxyType(_GATED)

# "the Free Trial version supports a certain limit of free trial [of cloud search], valid for
# one month" (trtc.io/document/67834): the loopback's Free Trial serves cloud search.
# GUESS: Free Trial otherwise includes only what Standard does (no page found that lists the
# Free Trial's 旗舰版 features).
_FREE_TRIAL_EXTRAS = frozenset({"TIMMsgSearchCloudMessages"})


def refusal(name: str, plan: Plan) -> tuple[int, str] | None:
    """``(code, desc)`` with which an app on ``plan`` is refused the TIM function ``name``, or
    ``None`` when the plan includes it."""
    needed = _GATED.get(name)
    if needed is None or plan >= needed:
        return None
    if plan == Plan.FREE_TRIAL and name in _FREE_TRIAL_EXTRAS:
        return None
    code = SERVICE_NOT_BOUGHT if needed >= Plan.PRO_PLUS else NOT_IN_PLAN
    # GUESS: the real desc is Chinese and names no plan; this one says what to buy.
    desc = (
        f"{name} needs the {needed.title} edition or higher; this app's plan is "
        f"{plan.title} (loopback Cloud(plan=...))"
    )
    return code, desc
