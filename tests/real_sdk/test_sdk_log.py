"""The real SDK's own log: off the console by default, into the ``aiotim.sdk`` logger instead."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
import pytest

import aiotim

pytestmark = [pytest.mark.anyio, pytest.mark.real_sdk]

APP_ID = 1400000001


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
class TestSDKLog:
    async def test_default_log_goes_to_logging_not_stdout(
        self,
        real_sdk_path: Path,
        tmp_path: Path,
        capfd: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """No `TIM:` lines on stdout; the SDK's lines reach the aiotim.sdk logger instead."""
        caplog.set_level(logging.INFO, logger="aiotim.sdk")
        async with aiotim.Client(APP_ID, sdk=real_sdk_path, data_dir=tmp_path / "d"):
            await anyio.sleep(1)
        out = capfd.readouterr().out
        assert "TIM:" not in out
        assert any(r.name == "aiotim.sdk" for r in caplog.records)

    async def test_console_log_can_be_asked_for(
        self,
        real_sdk_path: Path,
        tmp_path: Path,
        capfd: pytest.CaptureFixture[str],
    ) -> None:
        """sdk_console_log=True leaves the SDK's console log on."""
        async with aiotim.Client(
            APP_ID, sdk=real_sdk_path, data_dir=tmp_path / "d", sdk_console_log=True
        ):
            await anyio.sleep(1)
        assert "TIM:" in capfd.readouterr().out
