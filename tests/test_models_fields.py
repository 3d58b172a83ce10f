"""Models declared once (aiotim/models/_fields.py): the tables, the checked decoders, the fast
constructor and its fallback, and the generated fast decoders and theirs (the checked path)."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Annotated, Any

import pytest

import aiotim.models as models
from aiotim.errors import PayloadError
from aiotim.models import (
    C2C,
    Conversation,
    CustomElem,
    Group,
    Message,
    TextElem,
    UnknownElem,
    _fast,
    _fields,
)
from aiotim.models._fields import Key, Model, fast_constructor, fingerprint, model, plan
from aiotim.models._json import JSONObject
from aiotim.models.address import System

MSG: dict[str, Any] = {
    "message_msg_id": "144115-1700000000-99",
    "message_conv_id": "bob",
    "message_conv_type": 1,
    "message_sender": "bob",
    "message_seq": 7,
    "message_rand": 99,
    "message_server_time": 1700000001,
    "message_client_time": 1700000000,
    "message_is_from_self": False,
    "message_is_read": True,
    "message_status": 2,
    "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
    "message_unknown_future_key": {"ignored": True},
}
MODELS = sorted(
    (
        getattr(models, n)
        for n in models.__all__
        if isinstance(getattr(models, n), type) and issubclass(getattr(models, n), Model)
    ),
    key=lambda c: c.__name__,
)


def msg(**changes: Any) -> dict[str, Any]:
    """MSG with keys changed (``None``: the key removed)."""
    out = dict(MSG)
    for key, value in changes.items():
        if value is None:
            del out[key]
        else:
            out[key] = value
    return out


def fields_of(obj: Any) -> tuple[Any, ...]:
    """Every field, ``raw`` included (equality leaves it out)."""
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


class TestTables:
    def test_every_model_is_declared(self) -> None:
        """Every model of aiotim.models has a table: a column per field but raw, all with keys."""
        assert len(MODELS) >= 17
        for cls in MODELS:
            columns, has_raw = cls._table
            names = [f.name for f in dataclasses.fields(cls)]
            assert [c.name for c in columns] + (["raw"] if has_raw else []) == names, cls
            assert all(c.keys for c in columns), cls

    def test_message_table(self) -> None:
        """Message's plan: the keys once each, their JSON types, two converted fields."""
        columns, has_raw = plan(Message)
        assert has_raw
        assert [(name, keys, kinds, conv) for name, keys, kinds, _, conv in columns][:4] == [
            ("id", ("message_msg_id",), ("str",), False),
            ("conv", ("message_conv_id", "message_conv_type"), ("str", "int"), True),
            ("sender", ("message_sender",), ("str",), False),
            ("elems", ("message_elem_array",), ("list",), True),
        ]
        keys = [k for _, ks, _, _, _ in columns for k in ks]
        assert len(keys) == len(set(keys)) == 22  # 21 SDK keys and message_is_at_me (ours)

    def test_fast_decoder_fills_absent_keys(self) -> None:
        """A message without its optional keys (as the loopback cloud renders one: no
        message_group_at_user_array, no priority) is built by the fast decoder, not handed to
        the checked one, and equals the checked decoder's result field for field."""
        full = {
            "message_msg_id": "m1",
            "message_conv_id": "alice",
            "message_conv_type": 1,
            "message_sender": "alice",
            "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
        }
        calls = []
        fast = _fast.FACTORIES["Message"]
        columns, _ = Message._table
        checked = Message._checked

        def counting(value: Any) -> Any:
            calls.append(value)
            return checked(value)

        decode = fast(Message._new, counting, *[c.convert for c in columns if c.convert])
        got = decode(full)
        assert calls == []
        assert fields_of(got) == fields_of(checked(full))
        assert got.at_users == () and got.text == "hi"

    def test_generated_decoders_are_current(self) -> None:
        """_fast.py was generated from today's tables, and the hot models use it."""
        assert [c.__qualname__ for c in _fields.FAST] == ["TextElem", "CustomElem", "Message"]
        for cls in _fields.FAST:
            assert _fast.PLANS[cls.__qualname__] == fingerprint(plan(cls)), (
                "stale: run scripts/gen_models.py"
            )
            assert cls.from_json is not cls._checked
        for cls in MODELS:
            if cls not in _fields.FAST:
                assert cls.from_json is cls._checked

    def test_elements_encode_from_the_table(self) -> None:
        assert TextElem("hi").to_json() == {"elem_type": 0, "text_elem_content": "hi"}
        assert CustomElem("d", "x", "e").to_json() == {
            "elem_type": 3,
            "custom_elem_data": "d",
            "custom_elem_desc": "x",
            "custom_elem_ext": "e",
        }
        for elem in (TextElem("hi"), CustomElem("d", "x", "e")):
            assert models.message.elem_from_json(elem.to_json()) == elem
            # TextElem writes its key out (the hot path of send_text): the table's must agree
            assert elem.to_json() == {"elem_type": elem.elem_type, **_fields.encode(elem)}

    def test_declaration_errors(self) -> None:
        """A field without a Key, a type that says nothing, a converter of the wrong arity,
        raw not last: TypeError when the model is declared."""

        def declare(**annotations: Any) -> None:
            cls = type("Bad", (Model,), {"__annotations__": annotations, "__module__": __name__})
            model("bad")(dataclass(frozen=True, slots=True)(cls))

        def one(value: int) -> int:
            return value

        with pytest.raises(TypeError, match="has no Key"):
            declare(a=int)
        with pytest.raises(TypeError, match="needs Key"):
            declare(a=Annotated[float, Key("a")])
        with pytest.raises(TypeError, match="takes 1 values"):
            declare(a=Annotated[int, Key("a", "b", convert=one)])
        with pytest.raises(TypeError, match="raw must be the last"):
            declare(raw=JSONObject, a=Annotated[int, Key("a")])
        with pytest.raises(TypeError, match="one key"):
            Key("a", "b")


class TestFastConstructor:
    @pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
    def test_builds_the_frozen_class(self, cls: type[Any]) -> None:
        """Every model's fast constructor is the slot-switching one and builds exactly cls."""
        new = cls._new
        assert new is not cls
        values = tuple(object() for _ in dataclasses.fields(cls))
        built = new(*values)
        assert type(built) is cls
        assert fields_of(built) == values
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.__setattr__(dataclasses.fields(cls)[0].name, 1)

    def test_fallback_is_the_class_itself(self) -> None:
        """Where the switch cannot work (no slots, a __post_init__), the class is the
        constructor, and its model decodes the same through it."""

        @dataclass(frozen=True)
        class NoSlots(Model):
            a: Annotated[int, Key("a")]
            raw: JSONObject = field(repr=False, compare=False)

        @dataclass(frozen=True, slots=True)
        class Checked(Model):
            a: Annotated[int, Key("a")]

            def __post_init__(self) -> None:
                if self.a < 0:
                    raise ValueError("negative")

        assert fast_constructor(NoSlots) is NoSlots
        assert fast_constructor(Checked) is Checked
        decoded = model("no slots")(NoSlots).from_json({"a": 3})
        assert (type(decoded), decoded.a, decoded.raw) == (NoSlots, 3, {"a": 3})
        with pytest.raises(ValueError, match="negative"):
            model("checked")(Checked).from_json({"a": -1})

    def test_fallback_decodes_messages_alike(self) -> None:
        """Message decoded through the class's own constructor equals the fast one."""
        checked = _fields.checked_decoder(Message, "message", Message)
        converters = [c.convert for c in Message._table[0] if c.convert is not None]
        fast = _fast.FACTORIES["Message"](Message, checked, *converters)
        for payload in (MSG, msg(message_seq=None)):
            a, b = fast(payload), Message.from_json(payload)
            assert type(a) is Message and fields_of(a) == fields_of(b)


class TestMessageDecoding:
    def test_fast_and_checked_paths_agree(self) -> None:
        a, b = Message.from_json(MSG), Message._checked(MSG)
        assert fields_of(a) == fields_of(b)
        assert a.raw is MSG and type(a) is Message
        assert (a.id, a.conv, a.sender, a.seq, a.rand, a.is_read, a.status, a.text) == (
            "144115-1700000000-99",
            C2C("bob"),
            "bob",
            7,
            99,
            True,
            2,
            "hi",
        )

    @pytest.mark.parametrize(
        ("changes", "expect"),
        [
            pytest.param({"message_seq": None}, {"seq": 0}, id="missing-int"),
            pytest.param({"message_sender": None}, {"sender": ""}, id="missing-str"),
            pytest.param({"message_is_read": None}, {"is_read": False}, id="missing-bool"),
            pytest.param({"message_conv_type": None}, {"conv": C2C("bob")}, id="missing-conv-type"),
            pytest.param(
                {"message_conv_type": 2, "message_conv_id": "g1"}, {"conv": Group("g1")}, id="group"
            ),
            pytest.param(
                {"message_conv_type": 3, "message_conv_id": ""},
                {"conv": System("")},
                id="system-empty-id",
            ),
            pytest.param({"message_elem_array": None}, {"elems": ()}, id="missing-elems"),
            pytest.param({"message_elem_array": []}, {"elems": (), "text": None}, id="no-elems"),
            pytest.param(
                {"message_elem_array": [{"elem_type": 0}]},
                {"elems": (TextElem(""),)},
                id="text-without-content",
            ),
            pytest.param(
                {"message_elem_array": [{"elem_type": 0, "text_elem_content": None}]},
                {"elems": (TextElem(""),)},
                id="text-null-content",
            ),
            pytest.param(
                {"message_elem_array": [{"elem_type": 3, "custom_elem_data": "d"}]},
                {"elems": (CustomElem("d"),)},
                id="custom-partial",
            ),
            pytest.param(
                {"message_elem_array": [{"elem_type": 99, "x": "p"}]},
                {"elems": (UnknownElem(99, {}),)},
                id="unknown-elem",
            ),
            pytest.param(
                {"message_elem_array": [{"text_elem_content": "x"}]},
                {"elems": (UnknownElem(-1, {}),)},
                id="elem-without-type",
            ),
            pytest.param(
                {
                    "message_elem_array": [
                        {"elem_type": 0, "text_elem_content": "a"},
                        {
                            "elem_type": 3,
                            "custom_elem_data": "x",
                            "custom_elem_desc": "",
                            "custom_elem_ext": "",
                        },
                        {"elem_type": 0, "text_elem_content": "b"},
                    ]
                },
                {"elems": (TextElem("a"), CustomElem("x"), TextElem("b")), "text": "ab"},
                id="three-elems",
            ),
            pytest.param(
                {"message_status": None, "message_msg_id": None},
                {"status": 0, "id": ""},
                id="two-missing",
            ),
        ],
    )
    def test_odd_payloads_decode_through_the_checked_path(
        self,
        changes: dict[str, Any],
        expect: dict[str, Any],
    ) -> None:
        """A missing or null key leaves the fast path; the checked path applies the default."""
        payload = msg(**{k: v for k, v in changes.items() if v is not None})
        for k, v in changes.items():
            if v is None:
                payload[k] = None  # null ...
        for p in (payload, {k: v for k, v in payload.items() if v is not None}):  # ... or absent
            m = Message.from_json(p)
            assert type(m) is Message and m.raw is p
            assert fields_of(m) == fields_of(Message._checked(p))
            for name, value in expect.items():
                assert getattr(m, name) == value, name

    def test_a_dict_subclass_takes_the_checked_path(self) -> None:
        m = Message.from_json(OrderedDict(MSG))
        assert m == Message.from_json(MSG)

    @pytest.mark.parametrize(
        ("payload", "what", "message"),
        [
            pytest.param([MSG], "message", "expected a JSON object, got list", id="list"),
            pytest.param(None, "message", "got NoneType", id="null"),
            pytest.param("{}", "message", "got str", id="text"),
            pytest.param(
                msg(message_seq="7"),
                "message",
                "'message_seq' should be an integer",
                id="str-for-int",
            ),
            pytest.param(
                msg(message_seq=True),
                "message",
                "'message_seq' should be an integer",
                id="bool-for-int",
            ),
            pytest.param(
                msg(message_seq=7.0),
                "message",
                "'message_seq' should be an integer",
                id="float-for-int",
            ),
            pytest.param(
                msg(message_is_read=1),
                "message",
                "'message_is_read' should be a boolean",
                id="int-for-bool",
            ),
            pytest.param(
                msg(message_sender=["bob"]),
                "message",
                "'message_sender' should be a string",
                id="list-for-str",
            ),
            pytest.param(
                msg(message_conv_type=9),
                "message",
                "unknown conversation type 9",
                id="unknown-conv-type",
            ),
            pytest.param(
                msg(message_conv_type=True),
                "message",
                "'message_conv_type' should be an integer",
                id="bool-conv-type",
            ),
            pytest.param(msg(message_conv_id=""), "message", "non-empty id", id="empty-c2c-id"),
            pytest.param(msg(message_conv_id="a\0b"), "message", "NUL", id="nul-in-id"),
            pytest.param(
                msg(message_elem_array={"elem_type": 0}),
                "message",
                "'message_elem_array' should be an array",
                id="object-for-elems",
            ),
            pytest.param(
                msg(message_elem_array=["hi"]),
                "message element",
                "expected a JSON object, got str",
                id="elem-not-object",
            ),
            pytest.param(
                msg(message_elem_array=[{"elem_type": "0"}]),
                "message element",
                "'elem_type' should be an integer",
                id="elem-type-str",
            ),
            pytest.param(
                msg(message_elem_array=[{"elem_type": False}]),
                "message element",
                "'elem_type' should be an integer",
                id="elem-type-bool",
            ),
            pytest.param(
                msg(message_elem_array=[{"elem_type": 0, "text_elem_content": 5}]),
                "text element",
                "'text_elem_content' should be a string",
                id="text-not-str",
            ),
            pytest.param(
                msg(message_elem_array=[{"elem_type": 3, "custom_elem_data": {}}]),
                "custom element",
                "'custom_elem_data' should be a string",
                id="custom-data-not-str",
            ),
        ],
    )
    def test_malformed_payloads_raise_payload_error(
        self, payload: Any, what: str, message: str
    ) -> None:
        """A wrong type, on the fast path or off it, is a PayloadError naming what it was."""
        for decode in (Message.from_json, Message._checked):
            with pytest.raises(PayloadError) as info:
                decode(payload)
            assert info.value.kind == what
            assert message in str(info.value)

    def test_stale_generated_code_falls_back_to_the_checked_decoder(
        self,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A factory generated from another plan is not used: correctness, not speed."""
        new, checked = Message._new, Message._checked
        assert _fields._fast_decoder(Message, new, checked) is not None
        monkeypatch.setitem(_fast.PLANS, "Message", "0" * 16)
        assert _fields._fast_decoder(Message, new, checked) is None
        monkeypatch.delitem(_fast.FACTORIES, "Message")
        assert _fields._fast_decoder(Message, new, checked) is None


class TestOtherModels:
    def test_conversation_keeps_its_tolerance(self) -> None:
        """conv_last_msg: a message object, else None (empty object, null, another type)."""
        base = {"conv_id": "g1", "conv_type": 2, "conv_unread_num": 1}
        lasts: tuple[Any, ...] = ({}, None, [], "x")
        for last in lasts:
            c = Conversation.from_json({**base, "conv_last_msg": last})
            assert (c.conv, c.unread_count, c.last_message) == (Group("g1"), 1, None)
        c = Conversation.from_json({**base, "conv_last_msg": MSG})
        assert c.last_message == Message.from_json(MSG)
        with pytest.raises(PayloadError, match="conversation"):
            Conversation.from_json({"conv_id": "", "conv_type": 1})

    def test_group_member_custom_object_or_pairs(self) -> None:
        pairs = [
            {
                "group_member_info_custom_string_info_key": "k",
                "group_member_info_custom_string_info_value": "v",
            }
        ]
        for custom in (pairs, {"k": "v"}):
            m = models.GroupMemberInfo.from_json({"group_member_info_custom_info": custom})
            assert m.custom == {"k": "v"}
        with pytest.raises(PayloadError, match="'group_member_info_custom_info' should be an"):
            models.GroupMemberInfo.from_json({"group_member_info_custom_info": "k=v"})

    def test_friend_profile_update_absent_is_none(self) -> None:
        u = models.FriendProfileUpdate.from_json({"friend_profile_update_identifier": "a"})
        assert (u.user_id, u.remark, u.group_names, u.custom) == ("a", None, None, {})
        u = models.FriendProfileUpdate.from_json(
            {
                "friend_profile_update_identifier": "a",
                "friend_profile_update_item": {
                    "friend_profile_item_remark": "",
                    "friend_profile_item_group_name_array": [],
                },
            }
        )
        assert (u.remark, u.group_names) == ("", ())

    def test_group_tip_type_unknown_is_kept(self) -> None:
        g = {"group_tips_elem_group_id": "g"}  # required (issue 13, finding 8)
        tips = models.GroupTips.from_json(
            {**g, "group_tips_elem_tip_type": 99, "group_tips_elem_user_array": ["a"]}
        )
        assert (tips.tip_type, tips.users) == (99, ("a",))
        with pytest.raises(PayloadError, match="group tips 'group_tips_elem_user_array'"):
            models.GroupTips.from_json({**g, "group_tips_elem_user_array": [1]})

    def test_reaction_users_from_either_key(self) -> None:
        profile = {"user_profile_identifier": "u"}
        for key in ("message_reaction_partial_user_info_array", "message_reaction_user_info_array"):
            r = models.Reaction.from_json({key: [profile]})
            assert [u.user_id for u in r.users] == ["u"]
