"""Media through the loopback: the SDK uploads a send's files to the cloud in chunks (with
upload progress), receivers get ids and URLs (never the sender's path), and downloads come back
byte-identical (with download progress)."""

from __future__ import annotations

import os
import struct
import zlib
from contextlib import AsyncExitStack
from pathlib import Path

import anyio
import pytest

import aiotim
from aiotim import TIMError
from aiotim.loopback import Cloud
from tests.helpers import APP_ID, SECRET, cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

MB = 1024 * 1024


def png(width: int, height: int) -> bytes:
    """A real PNG image of ``width`` x ``height`` pixels."""
    raw = b"".join(b"\0" + b"\x80\x10\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def assert_progress(seen: list[tuple[int, int]], total: int) -> None:
    """Strictly increasing, every report of the same total, the last one complete."""
    assert seen, "no progress was reported"
    done = [d for d, _ in seen]
    assert done == sorted(set(done)), seen
    assert {t for _, t in seen} == {total}
    assert seen[-1] == (total, total)


async def test_five_megabyte_file_round_trip(tmp_path: Path) -> None:
    """A 5 MB file sent by alice reaches bob as a FileElem with an id and URL (not alice's
    path); bob downloads it byte-identical; upload and download progress are monotonic and end
    at the file's size."""
    data = os.urandom(5 * MB)
    src = tmp_path / "report.bin"
    src.write_bytes(data)
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        inbox = bob.messages.new_messages()
        up: list[tuple[int, int]] = []
        sent = await alice.messages.send_file(
            aiotim.C2C("bob"), src, on_progress=lambda d, t: up.append((d, t))
        )
        assert_progress(up, len(data))
        assert len(up) > 1  # chunked
        mine = sent.elems[0]
        assert isinstance(mine, aiotim.FileElem)
        assert mine.path == str(src)  # the sender's own copy keeps its path
        got = await next_item(inbox)
        assert isinstance(got, aiotim.Message)
        elem = got.elems[0]
        assert isinstance(elem, aiotim.FileElem)
        assert elem.path == ""
        assert elem.name == "report.bin"
        assert elem.size == len(data)
        assert elem.uuid == mine.uuid
        assert elem.uuid
        assert elem.url
        down: list[tuple[int, int]] = []
        out = await bob.messages.download(
            elem, tmp_path / "copy.bin", on_progress=lambda d, t: down.append((d, t))
        )
        assert out.read_bytes() == data
        assert_progress(down, len(data))


async def test_image_has_three_images(tmp_path: Path) -> None:
    """An image arrives with its original, thumbnail and large images, each with url, size,
    width, height and uuid; downloading it gives the same bytes."""
    data = png(40, 25)
    src = tmp_path / "pic.png"
    src.write_bytes(data)
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        inbox = bob.messages.new_messages()
        await alice.messages.send_image(aiotim.C2C("bob"), src)
        got = await next_item(inbox)
        assert isinstance(got, aiotim.Message)
        elem = got.elems[0]
        assert isinstance(elem, aiotim.ImageElem)
        assert elem.path == ""
        for info in (elem.original, elem.thumbnail, elem.large):
            assert info.url
            assert info.uuid
            assert info.size == len(data)
            assert (info.width, info.height) == (40, 25)
        out = await bob.messages.download(elem, tmp_path / "copy.png")
        assert out.read_bytes() == data


async def test_sound_and_video_in_a_group(tmp_path: Path) -> None:
    """A voice message and a video (with its snapshot) sent to a group reach every member;
    each file downloads byte-identical (the video and its snapshot separately)."""
    sound, video, snap = os.urandom(3000), os.urandom(700_000), png(8, 6)
    for name, data in (("a.m4a", sound), ("v.mp4", video), ("s.png", snap)):
        (tmp_path / name).write_bytes(data)
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        group = await alice.groups.create("media", members=("bob", "carol"))
        inboxes = [c.messages.new_messages() for c in (bob, carol)]
        await alice.messages.send_sound(group, tmp_path / "a.m4a", 3)
        await alice.messages.send_video(group, tmp_path / "v.mp4", 9, tmp_path / "s.png")
        for client, inbox in zip((bob, carol), inboxes, strict=True):
            got = []
            while len(got) < 2:
                msg = await next_item(inbox)
                assert isinstance(msg, aiotim.Message)
                if isinstance(msg.elems[0], aiotim.SoundElem | aiotim.VideoElem):
                    got.append(msg.elems[0])
            voice, clip = got
            assert isinstance(voice, aiotim.SoundElem)
            assert isinstance(clip, aiotim.VideoElem)
            assert voice.duration_s == 3
            assert voice.path == clip.path == clip.snapshot_path == ""
            user = client.user_id
            a = await client.messages.download(voice, tmp_path / f"{user}.m4a")
            v = await client.messages.download(clip, tmp_path / f"{user}.mp4")
            s = await client.messages.download(clip, tmp_path / f"{user}.png", kind="snapshot")
            assert (a.read_bytes(), v.read_bytes(), s.read_bytes()) == (sound, video, snap)
            assert (clip.snapshot_width, clip.snapshot_height) == (8, 6)


async def test_media_errors(tmp_path: Path) -> None:
    """The real codes: a missing file 7004, an empty one 7006, an image that is no image 6031,
    an unknown download 6009; a failed send delivers nothing and later sends still work."""
    (tmp_path / "empty.bin").write_bytes(b"")
    (tmp_path / "fake.png").write_bytes(b"not an image at all")
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        with pytest.raises(TIMError) as err:
            await alice.messages.send_file(aiotim.C2C("bob"), tmp_path / "missing.bin")
        assert err.value.code == 7004
        with pytest.raises(TIMError) as err:
            await alice.messages.send_file(aiotim.C2C("bob"), tmp_path / "empty.bin")
        assert err.value.code == 7006
        with pytest.raises(TIMError) as err:
            await alice.messages.send_image(aiotim.C2C("bob"), tmp_path / "fake.png")
        assert err.value.code == 6031
        bogus = aiotim.FileElem(uuid="no-such-file", url="loopback://files/no-such-file")
        with pytest.raises(TIMError) as err:
            await bob.messages.download(bogus, tmp_path / "x.bin")
        assert err.value.code == 6009
        inbox = bob.messages.new_messages()
        await alice.messages.send_text(aiotim.C2C("bob"), "still fine")
        got = await next_item(inbox)
        assert isinstance(got, aiotim.Message)
        assert got.text == "still fine"


async def test_text_overtakes_a_big_upload(tmp_path: Path) -> None:
    """A text sent while a big file uploads is not stuck behind it (uploads are chunked and
    interleaved with other requests), and both arrive."""
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(8 * MB))
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        inbox = bob.messages.new_messages()
        async with anyio.create_task_group() as tg:
            tg.start_soon(alice.messages.send_file, aiotim.C2C("bob"), src)
            await alice.messages.send_text(aiotim.C2C("bob"), "quick")
        kinds = []
        for _ in range(2):
            msg = await next_item(inbox)
            assert isinstance(msg, aiotim.Message)
            kinds.append(type(msg.elems[0]).__name__)
        assert sorted(kinds) == ["FileElem", "TextElem"]


async def test_files_survive_a_restart_with_db(tmp_path: Path) -> None:
    """With db=, stored files are kept beside the database: a new cloud still serves them."""
    db = tmp_path / "cloud.db"
    data = os.urandom(300_000)
    (tmp_path / "f.bin").write_bytes(data)
    async with Cloud(APP_ID, SECRET, db=db) as cloud, AsyncExitStack() as stack:
        alice = await stack.enter_async_context(cloud.client())
        await alice.login("alice", cloud.user_sig("alice"))
        sent = await alice.messages.send_file(aiotim.C2C("bob"), tmp_path / "f.bin")
    elem = sent.elems[0]
    assert isinstance(elem, aiotim.FileElem)
    async with Cloud(APP_ID, SECRET, db=db) as cloud, AsyncExitStack() as stack:
        bob = await stack.enter_async_context(cloud.client())
        await bob.login("bob", cloud.user_sig("bob"))
        out = await bob.messages.download(elem, tmp_path / "again.bin")
        assert out.read_bytes() == data


async def test_cancel_a_send_while_it_uploads(tmp_path: Path) -> None:
    """cancel_send() of a message whose file is still uploading: the send fails with 8021
    (ERR_SDK_SEND_MESSAGE_FAILED_WITH_CANCEL) and nothing is delivered; cancelling a message
    that was sent already is 8020."""
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(10 * MB))
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        # Each frame waits in the cloud: the upload cannot finish before the cancel.
        cloud.delay = 0.2
        progress = alice.messages.upload_progress()
        codes: list[int] = []

        async def send() -> None:
            with pytest.raises(TIMError) as err:
                await alice.messages.send_file(aiotim.C2C("bob"), src)
            codes.append(err.value.code)

        async with anyio.create_task_group() as tg:
            tg.start_soon(send)
            first = await next_item(progress)
            assert isinstance(first, aiotim.UploadProgress)
            await alice.messages.cancel_send(aiotim.C2C("bob"), first.message.id)
            cloud.delay = 0
        assert codes == [8021]
        sent = await alice.messages.send_text(aiotim.C2C("bob"), "after")
        with pytest.raises(TIMError) as err:
            await alice.messages.cancel_send(aiotim.C2C("bob"), sent.id)
        assert err.value.code == 8020
        assert [m.text for m in await bob.messages.history(aiotim.C2C("alice"))] == ["after"]


async def test_client_shortcuts_send_image_and_file(tmp_path: Path) -> None:
    """client.send_image / client.send_file are the messages namespace's calls, flat on the
    client (what a bot does all day): bob receives an ImageElem and a FileElem."""
    (tmp_path / "pic.png").write_bytes(png(8, 6))
    (tmp_path / "notes.txt").write_bytes(b"hello")
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        inbox = bob.messages.new_messages()
        await alice.send_image(aiotim.C2C("bob"), tmp_path / "pic.png")
        await alice.send_file(aiotim.C2C("bob"), tmp_path / "notes.txt")
        first, second = await next_item(inbox), await next_item(inbox)
        assert isinstance(first, aiotim.Message) and isinstance(second, aiotim.Message)
        assert isinstance(first.elems[0], aiotim.ImageElem)
        assert isinstance(second.elems[0], aiotim.FileElem)
        assert second.elems[0].name == "notes.txt"


async def test_system_conversation_is_refused_by_name(tmp_path: Path) -> None:
    """The sends take any aiotim.Address (msg.conv type-checks), and the system conversation is
    refused at run time with a ValueError that says what to send to instead."""
    async with cloud_and_clients("alice") as (_, (alice,)):
        with pytest.raises(ValueError, match=r"system conversation .* aiotim\.C2C"):
            await alice.send_text(aiotim.System(""), "hi")
