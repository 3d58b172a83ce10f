"""Coverage of issue 12's friends, profiles and status functions: every request function of
TIMFriendshipManager.h (but official accounts, covered by client.official) and the profile and
status functions of TIMManager.h has a typed method naming it in its docstring, or a justified
exception; and how many the loopback serves."""

from __future__ import annotations

from aiotim._abi import FUNCTIONS
from aiotim.domains import friends, profiles, status
from aiotim.loopback.handlers import served_functions

#: The profile, status and follow functions (no common prefix).
_NAMED = {
    "TIMProfileGetUserProfileList",
    "TIMProfileModifySelfUserProfile",
    "TIMSubscribeUserInfo",
    "TIMUnsubscribeUserInfo",
    "TIMGetUserStatus",
    "TIMSetSelfStatus",
    "TIMSubscribeUserStatus",
    "TIMUnsubscribeUserStatus",
    "TIMFollowUser",
    "TIMUnfollowUser",
    "TIMGetMyFollowingList",
    "TIMGetMyFollowersList",
    "TIMGetMutualFollowersList",
    "TIMGetUserFollowInfo",
    "TIMCheckFollowType",
}

TYPED = {
    "TIMFriendshipGetFriendProfileList": "friends.list",
    "TIMFriendshipGetFriendsInfo": "friends.info",
    "TIMFriendshipModifyFriendProfile": "friends.set_info",
    "TIMFriendshipSearchFriends": "friends.search",
    "TIMFriendshipAddFriend": "friends.add",
    "TIMFriendshipDeleteFriend": "friends.delete",
    "TIMFriendshipCheckFriendType": "friends.check",
    "TIMFriendshipGetPendencyList": "friends.requests",
    "TIMFriendshipHandleFriendAddRequest": "friends.accept",
    "TIMFriendshipReportPendencyReaded": "friends.mark_requests_read",
    "TIMFriendshipDeletePendency": "friends.delete_requests",
    "TIMFriendshipGetBlackList": "friends.blocked",
    "TIMFriendshipAddToBlackList": "friends.block",
    "TIMFriendshipDeleteFromBlackList": "friends.unblock",
    "TIMFriendshipCreateFriendGroup": "friends.create_group",
    "TIMFriendshipGetFriendGroupList": "friends.groups",
    "TIMFriendshipDeleteFriendGroup": "friends.delete_group",
    "TIMFriendshipModifyFriendGroup": "friends.rename_group",
    "TIMProfileGetUserProfileList": "profiles.get",
    "TIMProfileModifySelfUserProfile": "profiles.set_self",
    "TIMSubscribeUserInfo": "profiles.subscribe",
    "TIMUnsubscribeUserInfo": "profiles.unsubscribe",
    "TIMGetUserStatus": "status.get",
    "TIMSetSelfStatus": "status.set_self",
    "TIMSubscribeUserStatus": "status.subscribe",
    "TIMUnsubscribeUserStatus": "status.unsubscribe",
    "TIMFollowUser": "friends.follow",
    "TIMUnfollowUser": "friends.unfollow",
    "TIMGetMyFollowingList": "friends.following",
    "TIMGetMyFollowersList": "friends.followers",
    "TIMGetMutualFollowersList": "friends.mutual_followers",
    "TIMGetUserFollowInfo": "friends.follow_info",
    "TIMCheckFollowType": "friends.follow_type",
}

#: Functions without a typed method, with the reason (none: all are typed).
EXCEPTIONS: dict[str, str] = {}


def _in_scope() -> set[str]:
    missing = _NAMED - set(FUNCTIONS)
    assert not missing, f"not in the ABI: {missing}"
    return {
        n for n in FUNCTIONS if n.startswith("TIMFriendship") and not n.startswith("TIMSet")
    } | _NAMED


def test_every_function_is_typed_or_excepted() -> None:
    """Each request function has a typed method whose docstring names it, or an exception."""
    problems = []
    for name in sorted(_in_scope()):
        if name in EXCEPTIONS:
            assert name not in TYPED, f"{name} is both typed and excepted"
            continue
        where = TYPED.get(name)
        if where is None:
            problems.append(f"{name}: no typed method and no exception")
            continue
        namespace, method = where.split(".")
        owner = {
            "friends": friends.Friends,
            "profiles": profiles.Profiles,
            "status": status.Status,
        }[namespace]
        fn = getattr(owner, method, None)
        if fn is None:
            problems.append(f"{name}: {where} does not exist")
        elif name not in (fn.__doc__ or ""):
            problems.append(f"{name}: the docstring of {where} does not name it")
    assert not problems, "\n".join(problems)
    assert set(TYPED) | set(EXCEPTIONS) <= _in_scope()


def test_the_loopback_serves_the_typed_ones() -> None:
    """Every typed function is served by the loopback cloud (the count is printed)."""
    served = served_functions() & _in_scope()
    print(f"people (friends/profiles/status): {len(served)} of {len(_in_scope())} served")
    assert set(TYPED) <= served
