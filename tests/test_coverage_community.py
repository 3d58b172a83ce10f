"""Coverage of the community request functions: each TIMCommunity* function of the ABI has a
typed method of ``client.community`` whose docstring names it, or a stated exception; and which
of them the loopback cloud serves."""

from __future__ import annotations

from aiotim._abi import FUNCTIONS
from aiotim.domains.community import Community
from aiotim.loopback.handlers import served_functions

#: TIM function -> the typed method of client.community that calls it.
TYPED = {
    "TIMCommunityCreate": "create",
    "TIMCommunityGetJoinedCommunityList": "joined",
    "TIMCommunityCreateTopicInCommunity": "create_topic",
    "TIMCommunityDeleteTopicFromCommunity": "delete_topics",
    "TIMCommunitySetTopicInfo": "set_topic_info",
    "TIMCommunityGetTopicInfoList": "topics",
    "TIMCommunityCreatePermissionGroupInCommunity": "create_permission_group",
    "TIMCommunityDeletePermissionGroupFromCommunity": "delete_permission_groups",
    "TIMCommunityModifyPermissionGroupInfoInCommunity": "set_permission_group_info",
    "TIMCommunityGetJoinedPermissionGroupListInCommunity": "joined_permission_groups",
    "TIMCommunityGetPermissionGroupListInCommunity": "permission_groups",
    "TIMCommunityAddCommunityMembersToPermissionGroup": "add_permission_group_members",
    "TIMCommunityRemoveCommunityMembersFromPermissionGroup": "remove_permission_group_members",
    "TIMCommunityGetCommunityMemberListInPermissionGroup": "permission_group_members",
    "TIMCommunityAddTopicPermissionToPermissionGroup": "add_topic_permissions",
    "TIMCommunityDeleteTopicPermissionFromPermissionGroup": "delete_topic_permissions",
    "TIMCommunityModifyTopicPermissionInPermissionGroup": "modify_topic_permissions",
    "TIMCommunityGetTopicPermissionInPermissionGroup": "topic_permissions",
}

#: TIM function -> why it has no typed method (none left).
EXCEPTIONS: dict[str, str] = {}


def _functions() -> set[str]:
    return {n for n in FUNCTIONS if n.startswith("TIMCommunity")}


def test_every_community_function_is_typed_or_excepted() -> None:
    """Every TIMCommunity* request function has a typed method naming it, or an exception."""
    missing = sorted(_functions() - TYPED.keys() - EXCEPTIONS.keys())
    assert not missing, f"no typed method and no exception: {missing}"
    assert not (TYPED.keys() & EXCEPTIONS.keys())
    assert set(TYPED) | set(EXCEPTIONS) <= _functions()
    for function, method in TYPED.items():
        fn = getattr(Community, method, None)
        assert fn is not None, f"community.{method} does not exist"
        assert f"``{function}``" in (fn.__doc__ or ""), f"{method}'s docstring omits {function}"


def test_loopback_serves_the_typed_community_functions() -> None:
    """The loopback cloud serves every typed community function; the count is reported."""
    served = set(served_functions()) & _functions()
    assert set(TYPED) <= served
    print(f"community: {len(TYPED)} typed, {len(served)}/{len(_functions())} served")
