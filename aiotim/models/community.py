"""Community permission groups (JSON keys: the headers' ``kTIMPermissionGroup*``,
``kTIMTopicPermission*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.models._json import JSONObject, get_int, get_str, obj

__all__ = ["PermissionGroupInfo"]


@dataclass(frozen=True, slots=True)
class PermissionGroupInfo:
    """A permission group of a community: its id, name, permissions (a bit set) and size."""

    community_group_id: str
    permission_group_id: str
    name: str
    custom_data: str
    group_permission: int
    member_count: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> PermissionGroupInfo:
        """Decode a ``PermissionGroupInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "permission group"
        d = obj(value, what)
        return cls(
            community_group_id=get_str(d, "community_group_id", what),
            permission_group_id=get_str(d, "permission_group_id", what),
            name=get_str(d, "permission_group_name", what),
            custom_data=get_str(d, "permission_custom_data", what),
            group_permission=get_int(d, "group_permission", what),
            member_count=get_int(d, "permission_group_member_count", what),
            raw=d,
        )
