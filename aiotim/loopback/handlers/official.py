"""The official-account domain: ``TIMSubscribeOfficialAccount``,
``TIMUnsubscribeOfficialAccount``, ``TIMGetOfficialAccountsInfo``. The accounts themselves are
made by the app's admin (:mod:`aiotim.loopback.cloud.officialstate`, through
:class:`~aiotim.loopback.Cloud`). Source: /tmp/research/people.md §1.7, §2.6.
"""

from __future__ import annotations

import time

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud.officialstate import OfficialAccount, notify, state_of
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: GUESS (people.md §2.6: "Unknown account → error code GUESS (30003-like)").
_NOT_FOUND = E.ERR_SVR_FRIENDSHIP_ACCOUNT_NOT_FOUND
#: Default subscriber limit. Source: https://trtc.io/document/60813 (people.md §2.6).
MAX_SUBSCRIBERS = 100_000


def _account(call: Call, account_id: str) -> OfficialAccount:
    if not account_id:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: the account id is empty")
    account = state_of(call.app).accounts.get(account_id)
    if account is None:
        raise CallError(_NOT_FOUND, f"official account {account_id!r} not found")
    return account


@HANDLERS.on("TIMSubscribeOfficialAccount")
def _subscribe(call: Call) -> str:
    account = _account(call, call.text(0))
    me = call.user
    if me not in account.subscribers:  # GUESS: subscribing again is a no-op success
        if len(account.subscribers) >= MAX_SUBSCRIBERS:
            raise CallError(
                E.ERR_SVR_FRIENDSHIP_COUNT_LIMIT, "the account has too many subscribers"
            )
        account.subscribers[me] = int(time.time())
        # Source: cloud.tencent.com/document/product/269/102483 (subscribe -> Subscribed(info)).
        view = orjson.dumps(account.view(me)).decode()
        notify(call.app, me, "TIMSetOfficialAccountSubscribedCallback", view)
    return ""  # GUESS: json_params empty (people.md §1.7)


@HANDLERS.on("TIMUnsubscribeOfficialAccount")
def _unsubscribe(call: Call) -> str:
    account = _account(call, call.text(0))
    me = call.user
    if account.subscribers.pop(me, None) is not None:
        # GUESS: the user's own devices are told (people.md §2.6).
        notify(call.app, me, "TIMSetOfficialAccountUnsubscribedCallback", account.account_id)
    return ""


@HANDLERS.on("TIMGetOfficialAccountsInfo")
def _info(call: Call) -> bytes:
    ids = call.json(0)
    me = call.user
    accounts = state_of(call.app).accounts
    if not ids:
        # Source: F:1113, an empty list means every account this user subscribed to.
        ids = [a for a, acc in accounts.items() if me in acc.subscribers]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise CallError(
            E.ERR_INVALID_PARAMETERS, "json_official_account_id_list is not an array of ids"
        )
    results = []
    for account_id in ids:
        account = accounts.get(account_id)
        if account is None:
            results.append(
                {
                    "get_official_accounts_info_result_code": int(_NOT_FOUND),
                    "get_official_accounts_info_result_desc": "official account not found",
                }
            )
        else:
            results.append(
                {
                    "get_official_accounts_info_result_code": 0,
                    "get_official_accounts_info_result_desc": "",
                    "get_official_accounts_info": account.view(me),
                }
            )
    return orjson.dumps(results)
