"""Coverage of issue 10's message and conversation functions: every request function of
TIMMessageManager.h (``TIMMsg*``, ``TIMPinGroupMessage``, ``TIMGetPinnedGroupMessageList``) and
TIMConversationManager.h (``TIMConv*``) has a typed method naming it in its docstring, or a
justified exception; and how many the loopback serves (printed; the served set may only grow)."""

from __future__ import annotations

from aiotim._abi import CALLBACK_SETTERS, FUNCTIONS
from aiotim.domains import conversations, messages
from aiotim.loopback.handlers import served_functions

_NAMED = {"TIMPinGroupMessage", "TIMGetPinnedGroupMessageList"}

TYPED = {
    # messages
    "TIMMsgSendMessage": "messages.send",
    "TIMMsgCancelSend": "messages.cancel_send",
    "TIMMsgBatchSend": "messages.batch_send",
    "TIMMsgDownloadElemToPath": "messages.download",
    "TIMMsgDownloadMergerMessage": "messages.download_merged",
    "TIMMsgSetLocalCustomData": "messages.set_local_custom_data",
    "TIMMsgSetC2CReceiveMessageOpt": "messages.set_receive_option",
    "TIMMsgGetC2CReceiveMessageOpt": "messages.receive_options",
    "TIMMsgSetGroupReceiveMessageOpt": "messages.set_group_receive_option",
    "TIMMsgSetAllReceiveMessageOpt": "messages.set_global_receive_option",
    "TIMMsgSetAllReceiveMessageOpt2": "messages.set_global_receive_option_at",
    "TIMMsgGetAllReceiveMessageOpt": "messages.global_receive_option",
    "TIMMsgGetMsgList": "messages.history",
    "TIMMsgRevoke": "messages.revoke",
    "TIMMsgModifyMessage": "messages.modify",
    "TIMMsgDelete": "messages.delete",
    "TIMMsgListDelete": "messages.delete",
    "TIMMsgClearHistoryMessage": "messages.clear_history",
    "TIMMsgSaveMsg": "messages.save",
    "TIMMsgImportMsgList": "messages.import_messages",
    "TIMMsgFindMessages": "messages.find",
    "TIMMsgFindByMsgLocatorList": "messages.find_by_locators",
    "TIMMsgSearchLocalMessages": "messages.search_local",
    "TIMMsgSearchCloudMessages": "messages.search_cloud",
    "TIMMsgSendMessageReadReceipts": "messages.send_receipts",
    "TIMMsgGetMessageReadReceipts": "messages.receipts",
    "TIMMsgGetGroupMessageReadMemberList": "messages.read_members",
    "TIMMsgSetMessageExtensions": "messages.set_extensions",
    "TIMMsgGetMessageExtensions": "messages.extensions",
    "TIMMsgDeleteMessageExtensions": "messages.delete_extensions",
    "TIMMsgAddMessageReaction": "messages.add_reaction",
    "TIMMsgRemoveMessageReaction": "messages.remove_reaction",
    "TIMMsgGetMessageReactions": "messages.reactions",
    "TIMMsgGetAllUserListOfMessageReaction": "messages.reaction_users",
    "TIMMsgTranslateText": "messages.translate",
    "TIMMsgConvertVoiceToText": "messages.voice_to_text",
    "TIMPinGroupMessage": "messages.pin",
    "TIMGetPinnedGroupMessageList": "messages.pinned",
    "TIMMsgReportReaded": "messages.mark_read",
    "TIMMsgMarkAllMessageAsRead": "messages.mark_all_read",
    # conversations
    "TIMConvGetConvList": "conversations.list",
    "TIMConvGetConvInfo": "conversations.get",
    "TIMConvGetConversationListByFilter": "conversations.page",
    "TIMConvDelete": "conversations.delete",
    "TIMConvDeleteConversationList": "conversations.delete_many",
    "TIMConvSetDraft": "conversations.set_draft",
    "TIMConvCancelDraft": "conversations.cancel_draft",
    "TIMConvSetConversationCustomData": "conversations.set_custom_data",
    "TIMConvPinConversation": "conversations.pin",
    "TIMConvMarkConversation": "conversations.mark",
    "TIMConvGetTotalUnreadMessageCount": "conversations.total_unread",
    "TIMConvGetUnreadMessageCountByFilter": "conversations.total_unread",
    "TIMConvSubscribeUnreadMessageCountByFilter": "conversations.subscribe_unread",
    "TIMConvUnsubscribeUnreadMessageCountByFilter": "conversations.unsubscribe_unread",
    "TIMConvCleanConversationUnreadMessageCount": "conversations.clear_unread",
    "TIMConvCreateConversationGroup": "conversations.create_group",
    "TIMConvGetConversationGroupList": "conversations.groups",
    "TIMConvDeleteConversationGroup": "conversations.delete_group",
    "TIMConvRenameConversationGroup": "conversations.rename_group",
    "TIMConvAddConversationsToGroup": "conversations.add_to_group",
    "TIMConvDeleteConversationsFromGroup": "conversations.remove_from_group",
    "TIMConvCreate": "conversations.create",
}

#: Functions without a typed method, with the reason.
EXCEPTIONS: dict[str, str] = {
    "TIMMsgSendNewMsg": "deprecated duplicate of TIMMsgSendMessage (messages.send)",
    "TIMMsgSendNewMsgEx": "deprecated duplicate of TIMMsgSendMessage (messages.send)",
    "TIMMsgSetOfflinePushToken": "mobile push registration: no meaning for a server-side bot",
    "TIMMsgDoBackground": "mobile app lifecycle (unread badge): no meaning for a bot",
    "TIMMsgDoForeground": "mobile app lifecycle (unread badge): no meaning for a bot",
}


def _in_scope() -> set[str]:
    missing = _NAMED - set(FUNCTIONS)
    assert not missing, f"not in the ABI: {missing}"
    return {
        n
        for n in FUNCTIONS
        if (n.startswith(("TIMMsg", "TIMConv")) or n in _NAMED) and n not in CALLBACK_SETTERS
    }


def test_every_function_is_typed_or_excepted() -> None:
    """Each request function has a typed method whose docstring names it, or an exception."""
    problems = []
    owners = {"messages": messages.Messages, "conversations": conversations.Conversations}
    for name in sorted(_in_scope()):
        if name in EXCEPTIONS:
            assert name not in TYPED, f"{name} is both typed and excepted"
            continue
        where = TYPED.get(name)
        if where is None:
            problems.append(f"{name}: no typed method and no exception")
            continue
        namespace, method = where.split(".")
        fn = getattr(owners[namespace], method, None)
        if fn is None:
            problems.append(f"{name}: {where} does not exist")
        elif name not in (fn.__doc__ or ""):
            problems.append(f"{name}: the docstring of {where} does not name it")
    assert not problems, "\n".join(problems)
    assert set(TYPED) | set(EXCEPTIONS) <= _in_scope()


def test_counts() -> None:
    """typed / served / exceptions (printed); the loopback serves at least the 64 of today,
    every excepted send duplicate included, media download, group pins and read members, and
    the documented fakes of translation and speech-to-text."""
    scope = _in_scope()
    served = served_functions() & scope
    print(
        f"messages+conversations: {len(scope)} functions, {len(TYPED)} typed, "
        f"{len(served)} served by the loopback, {len(EXCEPTIONS)} exceptions"
    )
    assert len(served) >= 64
    assert {"TIMMsgSendNewMsg", "TIMMsgSendNewMsgEx"} <= served
    assert {
        "TIMMsgDownloadElemToPath",
        "TIMMsgGetGroupMessageReadMemberList",
        "TIMPinGroupMessage",
        "TIMGetPinnedGroupMessageList",
        "TIMMsgTranslateText",
        "TIMMsgConvertVoiceToText",
        "TIMConvSubscribeUnreadMessageCountByFilter",
        "TIMMsgSaveMsg",
        "TIMMsgImportMsgList",
    } <= served
