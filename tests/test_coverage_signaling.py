"""Coverage of issue 12's signaling and official-account functions: every request function of
TIMSignalingManager.h (``TIMSignaling*``, ``TIMGetSignalingInfo``) and the official-account
functions of TIMFriendshipManager.h has a typed method naming it in its docstring, or a
justified exception; and how many the loopback serves."""

from __future__ import annotations

from aiotim._abi import FUNCTIONS
from aiotim.domains import official, signaling
from aiotim.loopback.handlers import served_functions

TYPED = {
    "TIMSignalingInvite": "signaling.invite",
    "TIMSignalingInviteInGroup": "signaling.invite_group",
    "TIMSignalingCancel": "signaling.cancel",
    "TIMSignalingAccept": "signaling.accept",
    "TIMSignalingReject": "signaling.reject",
    "TIMGetSignalingInfo": "signaling.info",
    "TIMSignalingModifyInvitation": "signaling.modify",
    "TIMSubscribeOfficialAccount": "official.subscribe",
    "TIMUnsubscribeOfficialAccount": "official.unsubscribe",
    "TIMGetOfficialAccountsInfo": "official.info",
}

#: Functions without a typed method, with the reason (none: all are typed).
EXCEPTIONS: dict[str, str] = {}

_OWNERS: dict[str, type] = {"signaling": signaling.Signaling, "official": official.Official}


def _in_scope() -> set[str]:
    return {
        n
        for n in FUNCTIONS
        if not n.startswith("TIMSet")
        and (n.startswith("TIMSignaling") or "OfficialAccount" in n or n == "TIMGetSignalingInfo")
    }


def test_scope_is_the_ten_functions() -> None:
    """The scope is the 7 signaling and 3 official-account request functions (people.md §0)."""
    assert _in_scope() == set(TYPED) | set(EXCEPTIONS)
    assert len(_in_scope()) == 10


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
        fn = getattr(_OWNERS[namespace], method, None)
        if fn is None:
            problems.append(f"{name}: {where} does not exist")
        elif f"``{name}``" not in (fn.__doc__ or ""):
            problems.append(f"{name}: the docstring of {where} does not name it")
    assert not problems, "\n".join(problems)


def test_the_loopback_serves_them() -> None:
    """Every typed function is served by the loopback cloud (the count is printed)."""
    served = served_functions() & _in_scope()
    print(f"signaling/official: {len(served)} of {len(_in_scope())} served")
    assert set(TYPED) <= served
