"""The session domain: ``TIMLogin`` and ``TIMLogout`` (the UserSig check, the binding of a
connection to its user, kicks of other devices, offline messages after login).
"""

from __future__ import annotations

from aiotim.enums import TIMErrCode, TIMLoginStatus
from aiotim.loopback.cloud import peoplestate
from aiotim.loopback.handlers import signaling
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.usersig import UserSigError, verify_user_sig

__all__ = ["HANDLERS", "MAX_USER_ID_BYTES", "invalid_user_id"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: The real cloud's UserSig error codes, by :class:`~aiotim.usersig.UserSigError` reason.
_SIG_CODES = {
    "expired": E.ERR_SVR_ACCOUNT_USERSIG_EXPIRED,
    "bad_signature": E.ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED,
    "wrong_identifier": E.ERR_SVR_ACCOUNT_USERSIG_MISMATCH_ID,
    "wrong_app_id": E.ERR_SVR_ACCOUNT_USERSIG_MISMATCH_SDKAPPID,
    "malformed": E.ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED,
}


#: Source: TIMErrorCode.h:34 ERR_SDK_COMM_INVALID_IDENTIFIER (7003): an identifier is not empty,
#: printable ASCII (0x20-0x7e), at most 32 bytes; tim-service.md "UserID" (≤ 32 bytes,
#: trtc.io/document/34381; the character rules of the three sources differ, this is the SDK's).
MAX_USER_ID_BYTES = 32


def invalid_user_id(user_id: str) -> str | None:
    """Why ``user_id`` is not a valid identifier, or ``None``."""
    if not user_id:
        return "the user id is empty"
    if len(user_id.encode()) > MAX_USER_ID_BYTES:
        return f"the user id is {len(user_id.encode())} bytes, over {MAX_USER_ID_BYTES}"
    # printable ASCII: str.isprintable() on ASCII is exactly 0x20-0x7e
    if not (user_id.isascii() and user_id.isprintable()):
        return "the user id must be printable ASCII (0x20-0x7e)"
    return None


@HANDLERS.on("TIMLogin", needs_login=False)
def _login(call: Call) -> None:
    app, conn = call.app, call.conn
    user_id = call.text(0)
    user_sig = call.text(1, required=False)
    try:
        if (why := invalid_user_id(user_id)) is not None:
            raise CallError(E.ERR_SDK_COMM_INVALID_IDENTIFIER, f"TIMLogin: {why}")
        if not user_sig:
            raise CallError(E.ERR_SVR_ACCOUNT_USERSIG_EMPTY, "UserSig is empty")
        try:
            info = verify_user_sig(app.sdk_app_id, app.secret_key, user_id, user_sig)
        except UserSigError as exc:
            raise CallError(_SIG_CODES[exc.reason], str(exc)) from None
    except CallError as exc:
        if call.req_id == 0 and conn.user is not None:
            # The SDK's own re-login after a reconnect failed: it believes it is logged in.
            app.unbind(conn)
            conn.login_state(int(TIMLoginStatus.kTIMLoginStatus_UnLogined), "")
            if exc.code == E.ERR_SVR_ACCOUNT_USERSIG_EXPIRED:
                conn.event("TIMSetUserSigExpiredCallback", [])
        raise
    was_online = user_id in app.online  # a login elsewhere kicks, the user stays online
    app.bind(conn, user_id, info.expires_at)
    # L before R: inside the login callback the SDK already reports "logged in", as the real
    # SDK does. Offline messages only after the result, so a bot that subscribes after
    # `await login()` still gets them in order.
    conn.login_state(int(TIMLoginStatus.kTIMLoginStatus_Logined), user_id)
    call.ok("")
    peoplestate.on_login(app, user_id, was_online)  # user status (issue 12)
    app.deliver_offline(conn)
    signaling.on_login(app, user_id)  # invitations received while offline (issue 12)


@HANDLERS.on("TIMLogout", needs_login=False)
def _logout(call: Call) -> None:
    user = call.app.unbind(call.conn)
    call.conn.login_state(int(TIMLoginStatus.kTIMLoginStatus_UnLogined), "")
    call.ok("")
    if user is not None:
        peoplestate.on_logout(call.app, user)  # user status (issue 12)
