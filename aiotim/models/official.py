"""Official accounts: the per-account results of ``TIMGetOfficialAccountsInfo`` (JSON keys:
the headers' ``kTIMGetOfficialAccountsInfoResult*``; the account itself is
:class:`~aiotim.models.profile.OfficialAccountInfo`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject
from aiotim.models.profile import OfficialAccountInfo

__all__ = ["OfficialAccountResult"]


@model("official account result")
@dataclass(frozen=True, slots=True)
class OfficialAccountResult(Model):
    """One account asked for: ``code`` 0 and its ``account``, or the error ``code`` and
    ``desc`` (e.g. an unknown account id) with ``account`` ``None``."""

    code: Annotated[int, Key("get_official_accounts_info_result_code")]
    desc: Annotated[str, Key("get_official_accounts_info_result_desc")]
    account: Annotated[OfficialAccountInfo | None, Key("get_official_accounts_info")]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether the account was found."""
        return self.code == 0 and self.account is not None
