"""Community permission groups (JSON keys: the headers' ``kTIMPermissionGroup*``,
``kTIMTopicPermission*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject

__all__ = ["PermissionGroupInfo"]


@model("permission group")
@dataclass(frozen=True, slots=True)
class PermissionGroupInfo(Model):
    """A permission group of a community: its id, name, permissions (a bit set) and size."""

    community_group_id: Annotated[str, Key("community_group_id")]
    permission_group_id: Annotated[str, Key("permission_group_id", required=True)]
    name: Annotated[str, Key("permission_group_name")]
    custom_data: Annotated[str, Key("permission_custom_data")]
    group_permission: Annotated[int, Key("group_permission")]
    member_count: Annotated[int, Key("permission_group_member_count")]
    raw: JSONObject = field(repr=False, compare=False)
