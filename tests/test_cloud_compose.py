"""What a stored message keeps of a send's json_msg_param (aiotim.loopback.handlers._compose):
the client's keys, in CLIENT_MESSAGE_KEYS' order whatever the order the client gave."""

from __future__ import annotations

import itertools
import random

from aiotim.loopback.cloud.jsonshapes import CLIENT_MESSAGE_KEYS
from aiotim.loopback.handlers._compose import _client_keys

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
