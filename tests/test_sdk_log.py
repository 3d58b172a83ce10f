"""The SDK's log callback reaches stdlib logging (logger ``aiotim.sdk``), levels mapped,
UserSigs redacted — pushed through the loopback SDK's real log callback path."""

from __future__ import annotations

import logging

import anyio
import pytest

from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio


async def wait_for_records(caplog: pytest.LogCaptureFixture, n: int) -> list[logging.LogRecord]:
    with anyio.fail_after(5):
        while True:
            records = [r for r in caplog.records if r.name == "aiotim.sdk"]
            if len(records) >= n:
                return records
            await anyio.sleep(0.01)


class TestSDKLog:
    @pytest.mark.parametrize(
        ("tim_level", "py_level"),
        [
            (3, logging.DEBUG),
            (4, logging.INFO),
            (5, logging.WARNING),
            (6, logging.ERROR),
            (7, logging.CRITICAL),
        ],
    )
    async def test_levels_are_mapped(
        self, caplog: pytest.LogCaptureFixture, tim_level: int, py_level: int
    ) -> None:
        """TIMLogLevel Debug/Info/Warn/Error/Assert → DEBUG/INFO/WARNING/ERROR/CRITICAL."""
        caplog.set_level(logging.DEBUG, logger="aiotim.sdk")
        async with cloud_and_clients("bot") as (cloud, _):
            caplog.clear()
            await cloud.emit("bot", "TIMSetLogCallback", tim_level, f"level {tim_level} line\n")
            records = await wait_for_records(caplog, 1)
            mine = [r for r in records if r.getMessage() == f"level {tim_level} line"]
            assert [r.levelno for r in mine] == [py_level]

    async def test_user_sigs_in_sdk_log_lines_are_redacted(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A log line quoting a UserSig reaches logging with the sig masked."""
        caplog.set_level(logging.DEBUG, logger="aiotim.sdk")
        async with cloud_and_clients("bot") as (cloud, _):
            sig = cloud.user_sig("bot")
            await cloud.emit("bot", "TIMSetLogCallback", 4, f"login user_sig={sig} ok")
            await cloud.emit("bot", "TIMSetLogCallback", 4, f"bare token {sig}")
            records = await wait_for_records(caplog, 2)
            text = "\n".join(r.getMessage() for r in records)
            assert sig not in text
            assert "redacted" in text
