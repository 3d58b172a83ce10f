"""Coverage of the group request functions: each TIMGroup* function of the ABI (and the group
function of the message module) has a typed method of ``client.groups`` whose docstring names it,
or a justified exception; and which of them the loopback cloud serves."""

from __future__ import annotations

from aiotim._abi import FUNCTIONS
from aiotim.domains.groups import Groups
from aiotim.loopback.handlers import served_functions

#: TIM function -> the typed method ("namespace.method") that calls it.
TYPED = {
    "TIMGroupCreate": "groups.create",
    "TIMGroupDelete": "groups.dismiss",
    "TIMGroupJoin": "groups.join",
    "TIMGroupQuit": "groups.quit",
    "TIMGroupGetJoinedGroupList": "groups.joined",
    "TIMGroupGetGroupInfoList": "groups.info",
    "TIMGroupSearchGroups": "groups.search",
    "TIMGroupModifyGroupInfo": "groups.set_info",
    "TIMGroupInitGroupAttributes": "groups.init_attributes",
    "TIMGroupSetGroupAttributes": "groups.set_attributes",
    "TIMGroupDeleteGroupAttributes": "groups.delete_attributes",
    "TIMGroupGetGroupAttributes": "groups.attributes",
    "TIMGroupGetOnlineMemberCount": "groups.online_member_count",
    "TIMGroupSetGroupCounters": "groups.set_counters",
    "TIMGroupGetGroupCounters": "groups.counters",
    "TIMGroupIncreaseGroupCounter": "groups.increase_counter",
    "TIMGroupDecreaseGroupCounter": "groups.decrease_counter",
    "TIMGroupGetMemberInfoList": "groups.members",
    "TIMGroupSearchGroupMembers": "groups.search_members",
    "TIMGroupModifyMemberInfo": "groups.set_member_info",
    "TIMGroupInviteMember": "groups.invite",
    "TIMGroupDeleteMember": "groups.kick",
    "TIMGroupMarkGroupMemberList": "groups.mark_members",
    "TIMGroupGetPendencyList": "groups.requests",
    "TIMGroupHandlePendency": "groups.approve",
    "TIMGroupReportPendencyReaded": "groups.mark_requests_read",
    "TIMMsgSetGroupReceiveMessageOpt": "groups.set_receive_option",
}

_COMMUNITY = "community/topic function: typed in client.community (its TIMCommunity* twin)"
#: TIM function -> why it has no typed method here.
EXCEPTIONS = {
    "TIMGroupGetJoinedCommunityList": _COMMUNITY,
    "TIMGroupCreateTopicInCommunity": _COMMUNITY,
    "TIMGroupDeleteTopicFromCommunity": _COMMUNITY,
    "TIMGroupSetTopicInfo": _COMMUNITY,
    "TIMGroupGetTopicInfoList": _COMMUNITY,
}


def _group_functions() -> set[str]:
    names = {n for n in FUNCTIONS if n.startswith("TIMGroup")}
    return names | {"TIMMsgSetGroupReceiveMessageOpt"}


def test_every_group_function_is_typed_or_excepted() -> None:
    """Every TIMGroup* request function has a typed method naming it, or an exception."""
    functions = _group_functions()
    missing = sorted(functions - TYPED.keys() - EXCEPTIONS.keys())
    assert not missing, f"no typed method and no exception: {missing}"
    assert not (TYPED.keys() & EXCEPTIONS.keys())
    assert set(TYPED) | set(EXCEPTIONS) <= set(FUNCTIONS)
    for function, path in TYPED.items():
        namespace, method = path.split(".")
        assert namespace == "groups"
        fn = getattr(Groups, method, None)
        assert fn is not None, f"{path} does not exist"
        assert f"``{function}``" in (fn.__doc__ or ""), f"{path}'s docstring omits {function}"


def test_loopback_serves_the_group_functions() -> None:
    """The loopback cloud serves every typed group function (31 of 31 today); the count is
    reported."""
    served = set(served_functions()) & _group_functions()
    assert set(TYPED) - set(EXCEPTIONS) <= served
    assert len(served) >= 31
    print(f"groups: {len(TYPED)} typed, {len(served)}/{len(_group_functions())} served")
