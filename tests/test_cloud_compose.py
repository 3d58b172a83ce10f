"""What a stored message keeps of a send's json_msg_param (aiotim.loopback.handlers._compose):
the client's keys, in CLIENT_MESSAGE_KEYS' order whatever the order the client gave."""

from __future__ import annotations

import itertools
import random
import time

import orjson
import pytest

from aiotim.loopback import Cloud
from aiotim.loopback.cloud.jsonshapes import CLIENT_MESSAGE_KEYS
from aiotim.loopback.handlers._compose import _client_keys
from tests.loopback_fake_sdk import FakeSDK

#: keys a param may carry that a message does not keep
OTHER_KEYS = ("message_custom_int", "message_msg_id", "\0sender_elems", "x")


def _expected(param: dict[str, object]) -> list[tuple[str, object]]:
    return [(key, param[key]) for key in CLIENT_MESSAGE_KEYS if key in param]


def test_client_keys_in_their_order() -> None:
    rng = random.Random(7)
    keys = [*CLIENT_MESSAGE_KEYS, *OTHER_KEYS]
    for _ in range(2000):
        param = {key: rng.random() for key in rng.sample(keys, rng.randint(0, len(keys)))}
        assert list(_client_keys(param).items()) == _expected(param)
    for pair in itertools.permutations(CLIENT_MESSAGE_KEYS[:3], 2):
        param = dict.fromkeys(pair, 1)
        assert list(_client_keys(param).items()) == _expected(param)


@pytest.mark.anyio
async def test_a_composed_message_has_each_field_in_its_place() -> None:
    """A send with its own rand, client time and id comes back with each in its own field (the
    ints rand, server_time, client_time and unique_id never trade places)."""
    app, key = 1400000002, "loopback-test-key"
    async with Cloud(app, key) as cloud, FakeSDK.connect(cloud.address, app) as alice:
        assert (await alice.login("alice", cloud.user_sig("alice")))[0] == 0
        before = int(time.time())
        param = {
            "message_elem_array": [{"elem_type": 0, "text_elem_content": "fields"}],
            "message_rand": 4242,
            "message_client_time": 1_000_000,
        }
        code, _, msg = await alice.call(
            "TIMMsgSendMessage", "bob", 1, orjson.dumps(param), "compose-fields-1"
        )
        assert code == 0
        assert (msg["message_conv_id"], msg["message_conv_type"]) == ("bob", 1)
        assert (msg["message_sender"], msg["message_msg_id"]) == ("alice", "compose-fields-1")
        assert msg["message_rand"] == 4242
        assert msg["message_client_time"] == 1_000_000
        assert before <= msg["message_server_time"] <= int(time.time())
        assert msg["message_unique_id"] not in (4242, 1_000_000, msg["message_server_time"])
        assert msg["message_elem_array"][0]["text_elem_content"] == "fields"
