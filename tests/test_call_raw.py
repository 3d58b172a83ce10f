"""call_raw: any function by name, including the multi-shot and loopback-only ones."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

import aiotim
from aiotim._native import CALLBACK_SETTERS, FUNCTIONS
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio


def test_tables_list_the_whole_abi() -> None:
    """FUNCTIONS has the 240 functions, CALLBACK_SETTERS the 70 notification setters."""
    assert len(FUNCTIONS) == 240
    assert len(CALLBACK_SETTERS) == 70
    assert "TIMAddRecvNewMsgCallback" in CALLBACK_SETTERS
    assert "TIMRemoveRecvNewMsgCallback" not in CALLBACK_SETTERS


class TestCallRaw:
    async def test_two_callback_function_reports_interim_then_final(self) -> None:
        """TIMMsgSendNewMsgEx: msgid_cb goes to on_interim, res_cb is the value."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            interim: list[Any] = []
            inbox = bob.new_messages()
            param = orjson.dumps(
                {"message_elem_array": [{"elem_type": 0, "text_elem_content": "via Ex"}]}
            )
            result = await alice.call_raw(
                "TIMMsgSendNewMsgEx", "bob", 1, param, on_interim=interim.append
            )
            assert len(interim) == 1
            assert isinstance(result, dict)
            assert result["message_elem_array"][0]["text_elem_content"] == "via Ex"
            assert (await inbox.__anext__()).text == "via Ex"
            assert alice.stats()["pending"] == 0

    async def test_output_buffer_is_returned_after_the_value(self) -> None:
        """TIMMsgSendMessage fills message_id_buffer during the C call: call_raw returns
        (the sent message, its id), and the id is the message's own."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, _bob)):
            param = orjson.dumps(
                {"message_elem_array": [{"elem_type": 0, "text_elem_content": "with id"}]}
            )
            result = await alice.call_raw("TIMMsgSendMessage", "bob", 1, param)
            assert isinstance(result, tuple) and len(result) == 2
            message, message_id = result
            assert isinstance(message, dict) and isinstance(message_id, str)
            assert message_id and message["message_msg_id"] == message_id
            assert alice.stats()["pending"] == 0

    async def test_call_bytes_leaves_the_result_undecoded(self) -> None:
        """The domains' _call_bytes (a send, decoded by the message decoder in C): the same
        message as call_raw's, as JSON bytes, with the id; errors as call_raw raises them; a
        function without one output buffer is refused, naming call_raw instead."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, _bob)):
            param = orjson.dumps(
                {"message_elem_array": [{"elem_type": 0, "text_elem_content": "as bytes"}]}
            )
            payload, message_id = await alice._call_bytes("TIMMsgSendMessage", "bob", 1, param)
            assert isinstance(payload, bytes)
            message = orjson.loads(payload)
            assert message["message_msg_id"] == message_id
            assert message["message_elem_array"][0]["text_elem_content"] == "as bytes"
            with pytest.raises(aiotim.TIMError) as info:  # 20003: no such receiver
                await alice._call_bytes("TIMMsgSendMessage", "", 1, param)
            assert info.value.function == "TIMMsgSendMessage"
            with pytest.raises(TypeError, match="use call_raw"):
                await alice._call_bytes("TIMConvGetConvList")
            assert alice.stats()["pending"] == 0

    async def test_loopback_echo_returns_its_json(self) -> None:
        """TIMLoopbackEcho (a loopback-only export) completes from the SDK's thread."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            assert await alice.call_raw("TIMLoopbackEcho", b'{"x": [1, 2]}') == {"x": [1, 2]}

    async def test_synchronous_function_returns_its_value(self) -> None:
        """A function without a callback returns its C return value (TIMGetLoginStatus)."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            assert await alice.call_raw("TIMGetLoginStatus") == aiotim.LoginStatus.LOGGED_IN

    async def test_unimplemented_function_raises_not_supported(self) -> None:
        """The loopback cloud answers functions it lacks with 7013, raised as a TIMError."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(aiotim.TIMError) as info:
                await alice.call_raw("TIMMsgSetOfflinePushToken", b"{}")
            assert info.value.code == 7013
            assert "TIMMsgSetOfflinePushToken" in str(info.value)

    async def test_wrong_argument_count_names_the_parameters(self) -> None:
        """Too few arguments: TypeError listing the function's parameters."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(TypeError, match="conv_id, conv_type, json_get_msg_param"):
                await alice.call_raw("TIMMsgGetMsgList", "bob")
