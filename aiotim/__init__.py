"""aiotim: the async Python SDK for Tencent Cloud IM (Chat), on asyncio and trio.

``await client.login(...)``, ``await client.send_text(...)``: every SDK call is a coroutine;
``async for msg in client.new_messages()``: every notification is an async stream. The native
SDK's callbacks never run Python on its threads (see ``aiotim._native``).
"""

from aiotim import usersig as usersig
from aiotim.bot import Bot as Bot
from aiotim.bot import ConversationSession as ConversationSession
from aiotim.bot import run as run
from aiotim.client import Client as Client
from aiotim.domains.conversations import ConversationFilter as ConversationFilter
from aiotim.domains.messages import Retry as Retry
from aiotim.enums import ConvEvent as ConvEvent
from aiotim.enums import ConvType as ConvType
from aiotim.enums import GroupMemberRole as GroupMemberRole
from aiotim.enums import GroupType as GroupType
from aiotim.enums import LoginStatus as LoginStatus
from aiotim.enums import MsgStatus as MsgStatus
from aiotim.enums import NetworkStatus as NetworkStatus
from aiotim.enums import ReceiveMessageOpt as ReceiveMessageOpt
from aiotim.enums import TIMFollowType as TIMFollowType
from aiotim.enums import TIMFriendCheckRelation as TIMFriendCheckRelation
from aiotim.enums import TIMFriendshipRelationType as TIMFriendshipRelationType
from aiotim.enums import TIMGenderType as TIMGenderType
from aiotim.enums import TIMProfileAddPermission as TIMProfileAddPermission
from aiotim.enums import TIMUserStatusType as TIMUserStatusType
from aiotim.errors import AioTIMError as AioTIMError
from aiotim.errors import ClientClosed as ClientClosed
from aiotim.errors import InvalidJSON as InvalidJSON
from aiotim.errors import InvalidParameter as InvalidParameter
from aiotim.errors import InvalidUserSig as InvalidUserSig
from aiotim.errors import KickedOfflineError as KickedOfflineError
from aiotim.errors import NetworkError as NetworkError
from aiotim.errors import NotInitialized as NotInitialized
from aiotim.errors import NotLoggedIn as NotLoggedIn
from aiotim.errors import NotSupported as NotSupported
from aiotim.errors import PayloadError as PayloadError
from aiotim.errors import RateLimited as RateLimited
from aiotim.errors import SDKNotFound as SDKNotFound
from aiotim.errors import StreamOverflow as StreamOverflow
from aiotim.errors import TIMError as TIMError
from aiotim.errors import TIMTimeout as TIMTimeout
from aiotim.errors import UnsupportedBySDK as UnsupportedBySDK
from aiotim.events.base import Event as Event
from aiotim.events.community import CommunityTopicChanged as CommunityTopicChanged
from aiotim.events.community import CommunityTopicCreated as CommunityTopicCreated
from aiotim.events.community import CommunityTopicDeleted as CommunityTopicDeleted
from aiotim.events.community import PermissionGroupChanged as PermissionGroupChanged
from aiotim.events.community import PermissionGroupCreated as PermissionGroupCreated
from aiotim.events.community import PermissionGroupDeleted as PermissionGroupDeleted
from aiotim.events.community import PermissionGroupMembersAdded as PermissionGroupMembersAdded
from aiotim.events.community import PermissionGroupMembersRemoved as PermissionGroupMembersRemoved
from aiotim.events.community import TopicCustomDataReceived as TopicCustomDataReceived
from aiotim.events.community import TopicPermissionsAdded as TopicPermissionsAdded
from aiotim.events.community import TopicPermissionsDeleted as TopicPermissionsDeleted
from aiotim.events.community import TopicPermissionsModified as TopicPermissionsModified
from aiotim.events.conversations import ConversationChanged as ConversationChanged
from aiotim.events.conversations import ConversationGroupCreated as ConversationGroupCreated
from aiotim.events.conversations import ConversationGroupDeleted as ConversationGroupDeleted
from aiotim.events.conversations import ConversationGroupRenamed as ConversationGroupRenamed
from aiotim.events.conversations import ConversationsAddedToGroup as ConversationsAddedToGroup
from aiotim.events.conversations import (
    ConversationsDeletedFromGroup as ConversationsDeletedFromGroup,
)
from aiotim.events.conversations import UnreadTotalByFilterChanged as UnreadTotalByFilterChanged
from aiotim.events.conversations import UnreadTotalChanged as UnreadTotalChanged
from aiotim.events.friends import BlacklistAdded as BlacklistAdded
from aiotim.events.friends import BlacklistDeleted as BlacklistDeleted
from aiotim.events.friends import FollowersListChanged as FollowersListChanged
from aiotim.events.friends import FollowingListChanged as FollowingListChanged
from aiotim.events.friends import FriendAdded as FriendAdded
from aiotim.events.friends import FriendDeleted as FriendDeleted
from aiotim.events.friends import FriendGroupCreated as FriendGroupCreated
from aiotim.events.friends import FriendGroupDeleted as FriendGroupDeleted
from aiotim.events.friends import FriendGroupRenamed as FriendGroupRenamed
from aiotim.events.friends import FriendProfileUpdated as FriendProfileUpdated
from aiotim.events.friends import FriendRequestDeleted as FriendRequestDeleted
from aiotim.events.friends import FriendRequestReceived as FriendRequestReceived
from aiotim.events.friends import FriendRequestsRead as FriendRequestsRead
from aiotim.events.friends import FriendsAddedToGroup as FriendsAddedToGroup
from aiotim.events.friends import FriendsDeletedFromGroup as FriendsDeletedFromGroup
from aiotim.events.friends import MutualFollowersListChanged as MutualFollowersListChanged
from aiotim.events.friends import OfficialAccountChanged as OfficialAccountChanged
from aiotim.events.friends import OfficialAccountDeleted as OfficialAccountDeleted
from aiotim.events.friends import OfficialAccountSubscribed as OfficialAccountSubscribed
from aiotim.events.friends import OfficialAccountUnsubscribed as OfficialAccountUnsubscribed
from aiotim.events.groups import GroupAttributesChanged as GroupAttributesChanged
from aiotim.events.groups import GroupCounterChanged as GroupCounterChanged
from aiotim.events.groups import GroupTipsEvent as GroupTipsEvent
from aiotim.events.groups import GroupTopicChanged as GroupTopicChanged
from aiotim.events.groups import GroupTopicCreated as GroupTopicCreated
from aiotim.events.groups import GroupTopicDeleted as GroupTopicDeleted
from aiotim.events.messages import AllReceiveOptionChanged as AllReceiveOptionChanged
from aiotim.events.messages import GroupMessagePinned as GroupMessagePinned
from aiotim.events.messages import MessageExtensionsChanged as MessageExtensionsChanged
from aiotim.events.messages import MessageExtensionsDeleted as MessageExtensionsDeleted
from aiotim.events.messages import MessageModified as MessageModified
from aiotim.events.messages import MessageRevoked as MessageRevoked
from aiotim.events.messages import ReactionsChanged as ReactionsChanged
from aiotim.events.messages import ReadReceiptReceived as ReadReceiptReceived
from aiotim.events.messages import UploadProgress as UploadProgress
from aiotim.events.profiles import SelfProfileUpdated as SelfProfileUpdated
from aiotim.events.profiles import UserProfileChanged as UserProfileChanged
from aiotim.events.profiles import UserStatusChanged as UserStatusChanged
from aiotim.events.session import ExperimentalNotify as ExperimentalNotify
from aiotim.events.session import KickedOffline as KickedOffline
from aiotim.events.session import NetworkStatusChanged as NetworkStatusChanged
from aiotim.events.session import RawEvent as RawEvent
from aiotim.events.session import SDKLogRecord as SDKLogRecord
from aiotim.events.session import UserSigExpired as UserSigExpired
from aiotim.events.signaling import InvitationCancelled as InvitationCancelled
from aiotim.events.signaling import InvitationModified as InvitationModified
from aiotim.events.signaling import InvitationReceived as InvitationReceived
from aiotim.events.signaling import InvitationTimeout as InvitationTimeout
from aiotim.events.signaling import InviteeAccepted as InviteeAccepted
from aiotim.events.signaling import InviteeRejected as InviteeRejected
from aiotim.events.stream import Gap as Gap
from aiotim.events.stream import Stream as Stream
from aiotim.fleet import AccountFailure as AccountFailure
from aiotim.fleet import AccountState as AccountState
from aiotim.fleet import Fleet as Fleet
from aiotim.fleet import FleetEvent as FleetEvent
from aiotim.models import C2C as C2C
from aiotim.models import Conversation as Conversation
from aiotim.models import CustomElem as CustomElem
from aiotim.models import Group as Group
from aiotim.models import Message as Message
from aiotim.models import TextElem as TextElem
from aiotim.models.address import Address as Address
from aiotim.models.address import System as System
from aiotim.models.community import PermissionGroupInfo as PermissionGroupInfo
from aiotim.models.conversation import ConversationPage as ConversationPage
from aiotim.models.conversation import Draft as Draft
from aiotim.models.conversation import GroupAtInfo as GroupAtInfo
from aiotim.models.conversation import OperationResult as OperationResult
from aiotim.models.group import GroupAddOption as GroupAddOption
from aiotim.models.group import GroupInfo as GroupInfo
from aiotim.models.group import GroupInfoResult as GroupInfoResult
from aiotim.models.group import GroupMemberInfo as GroupMemberInfo
from aiotim.models.group import GroupMemberPage as GroupMemberPage
from aiotim.models.group import GroupRequest as GroupRequest
from aiotim.models.group import GroupSelfInfo as GroupSelfInfo
from aiotim.models.group import GroupTipGroupChange as GroupTipGroupChange
from aiotim.models.group import GroupTipMemberChange as GroupTipMemberChange
from aiotim.models.group import GroupTips as GroupTips
from aiotim.models.group import GroupTipType as GroupTipType
from aiotim.models.group import MemberResult as MemberResult
from aiotim.models.group import MemberResultCode as MemberResultCode
from aiotim.models.group import TopicInfo as TopicInfo
from aiotim.models.group import TopicResult as TopicResult
from aiotim.models.message import AT_ALL as AT_ALL
from aiotim.models.message import AT_ALL_V2 as AT_ALL_V2
from aiotim.models.message import Custom as Custom
from aiotim.models.message import Elem as Elem
from aiotim.models.message import Face as Face
from aiotim.models.message import FaceElem as FaceElem
from aiotim.models.message import File as File
from aiotim.models.message import FileElem as FileElem
from aiotim.models.message import FriendChangeElem as FriendChangeElem
from aiotim.models.message import GroupReportElem as GroupReportElem
from aiotim.models.message import GroupTipsElem as GroupTipsElem
from aiotim.models.message import Image as Image
from aiotim.models.message import ImageElem as ImageElem
from aiotim.models.message import ImageInfo as ImageInfo
from aiotim.models.message import Location as Location
from aiotim.models.message import LocationElem as LocationElem
from aiotim.models.message import MergerElem as MergerElem
from aiotim.models.message import MessageStatus as MessageStatus
from aiotim.models.message import Priority as Priority
from aiotim.models.message import ProfileChangeElem as ProfileChangeElem
from aiotim.models.message import ReplyRef as ReplyRef
from aiotim.models.message import Sound as Sound
from aiotim.models.message import SoundElem as SoundElem
from aiotim.models.message import Text as Text
from aiotim.models.message import UnknownElem as UnknownElem
from aiotim.models.message import Video as Video
from aiotim.models.message import VideoElem as VideoElem
from aiotim.models.message_info import BatchSendResult as BatchSendResult
from aiotim.models.message_info import DownloadProgress as DownloadProgress
from aiotim.models.message_info import MessageExtension as MessageExtension
from aiotim.models.message_info import MessageLocator as MessageLocator
from aiotim.models.message_info import Reaction as Reaction
from aiotim.models.message_info import ReactionChange as ReactionChange
from aiotim.models.message_info import ReadReceipt as ReadReceipt
from aiotim.models.message_info import ReceiveOptInfo as ReceiveOptInfo
from aiotim.models.message_info import SearchResult as SearchResult
from aiotim.models.message_info import SearchResultItem as SearchResultItem
from aiotim.models.message_info import TranslateResult as TranslateResult
from aiotim.models.official import OfficialAccountResult as OfficialAccountResult
from aiotim.models.profile import FollowInfo as FollowInfo
from aiotim.models.profile import FollowResult as FollowResult
from aiotim.models.profile import FollowTypeResult as FollowTypeResult
from aiotim.models.profile import FriendCheckResult as FriendCheckResult
from aiotim.models.profile import FriendGroupInfo as FriendGroupInfo
from aiotim.models.profile import FriendInfo as FriendInfo
from aiotim.models.profile import FriendProfile as FriendProfile
from aiotim.models.profile import FriendProfileUpdate as FriendProfileUpdate
from aiotim.models.profile import FriendRequest as FriendRequest
from aiotim.models.profile import FriendResult as FriendResult
from aiotim.models.profile import OfficialAccountInfo as OfficialAccountInfo
from aiotim.models.profile import UserProfile as UserProfile
from aiotim.models.profile import UserStatus as UserStatus
from aiotim.models.signaling import SignalingAction as SignalingAction
from aiotim.models.signaling import SignalingInfo as SignalingInfo
from aiotim.routing import ArgumentError as ArgumentError
from aiotim.routing import CallNext as CallNext
from aiotim.routing import Context as Context
from aiotim.routing import Router as Router

__version__ = "0.1.0"

__all__ = [
    "AT_ALL",
    "AT_ALL_V2",
    "C2C",
    "AccountFailure",
    "AccountState",
    "Address",
    "AioTIMError",
    "AllReceiveOptionChanged",
    "ArgumentError",
    "BatchSendResult",
    "BlacklistAdded",
    "BlacklistDeleted",
    "Bot",
    "CallNext",
    "Client",
    "ClientClosed",
    "CommunityTopicChanged",
    "CommunityTopicCreated",
    "CommunityTopicDeleted",
    "Context",
    "ConvEvent",
    "ConvType",
    "Conversation",
    "ConversationChanged",
    "ConversationFilter",
    "ConversationGroupCreated",
    "ConversationGroupDeleted",
    "ConversationGroupRenamed",
    "ConversationPage",
    "ConversationSession",
    "ConversationsAddedToGroup",
    "ConversationsDeletedFromGroup",
    "Custom",
    "CustomElem",
    "DownloadProgress",
    "Draft",
    "Elem",
    "Event",
    "ExperimentalNotify",
    "Face",
    "FaceElem",
    "File",
    "FileElem",
    "Fleet",
    "FleetEvent",
    "FollowInfo",
    "FollowResult",
    "FollowTypeResult",
    "FollowersListChanged",
    "FollowingListChanged",
    "FriendAdded",
    "FriendChangeElem",
    "FriendCheckResult",
    "FriendDeleted",
    "FriendGroupCreated",
    "FriendGroupDeleted",
    "FriendGroupInfo",
    "FriendGroupRenamed",
    "FriendInfo",
    "FriendProfile",
    "FriendProfileUpdate",
    "FriendProfileUpdated",
    "FriendRequest",
    "FriendRequestDeleted",
    "FriendRequestReceived",
    "FriendRequestsRead",
    "FriendResult",
    "FriendsAddedToGroup",
    "FriendsDeletedFromGroup",
    "Gap",
    "Group",
    "GroupAddOption",
    "GroupAtInfo",
    "GroupAttributesChanged",
    "GroupCounterChanged",
    "GroupInfo",
    "GroupInfoResult",
    "GroupMemberInfo",
    "GroupMemberPage",
    "GroupMemberRole",
    "GroupMessagePinned",
    "GroupReportElem",
    "GroupRequest",
    "GroupSelfInfo",
    "GroupTipGroupChange",
    "GroupTipMemberChange",
    "GroupTipType",
    "GroupTips",
    "GroupTipsElem",
    "GroupTipsEvent",
    "GroupTopicChanged",
    "GroupTopicCreated",
    "GroupTopicDeleted",
    "GroupType",
    "Image",
    "ImageElem",
    "ImageInfo",
    "InvalidJSON",
    "InvalidParameter",
    "InvalidUserSig",
    "InvitationCancelled",
    "InvitationModified",
    "InvitationReceived",
    "InvitationTimeout",
    "InviteeAccepted",
    "InviteeRejected",
    "KickedOffline",
    "KickedOfflineError",
    "Location",
    "LocationElem",
    "LoginStatus",
    "MemberResult",
    "MemberResultCode",
    "MergerElem",
    "Message",
    "MessageExtension",
    "MessageExtensionsChanged",
    "MessageExtensionsDeleted",
    "MessageLocator",
    "MessageModified",
    "MessageRevoked",
    "MessageStatus",
    "MsgStatus",
    "MutualFollowersListChanged",
    "NetworkError",
    "NetworkStatus",
    "NetworkStatusChanged",
    "NotInitialized",
    "NotLoggedIn",
    "NotSupported",
    "OfficialAccountChanged",
    "OfficialAccountDeleted",
    "OfficialAccountInfo",
    "OfficialAccountResult",
    "OfficialAccountSubscribed",
    "OfficialAccountUnsubscribed",
    "OperationResult",
    "PayloadError",
    "PermissionGroupChanged",
    "PermissionGroupCreated",
    "PermissionGroupDeleted",
    "PermissionGroupInfo",
    "PermissionGroupMembersAdded",
    "PermissionGroupMembersRemoved",
    "Priority",
    "ProfileChangeElem",
    "RateLimited",
    "RawEvent",
    "Reaction",
    "ReactionChange",
    "ReactionsChanged",
    "ReadReceipt",
    "ReadReceiptReceived",
    "ReceiveMessageOpt",
    "ReceiveOptInfo",
    "ReplyRef",
    "Retry",
    "Router",
    "SDKLogRecord",
    "SDKNotFound",
    "SearchResult",
    "SearchResultItem",
    "SelfProfileUpdated",
    "SignalingAction",
    "SignalingInfo",
    "Sound",
    "SoundElem",
    "Stream",
    "StreamOverflow",
    "System",
    "TIMError",
    "TIMFollowType",
    "TIMFriendCheckRelation",
    "TIMFriendshipRelationType",
    "TIMGenderType",
    "TIMProfileAddPermission",
    "TIMTimeout",
    "TIMUserStatusType",
    "Text",
    "TextElem",
    "TopicCustomDataReceived",
    "TopicInfo",
    "TopicPermissionsAdded",
    "TopicPermissionsDeleted",
    "TopicPermissionsModified",
    "TopicResult",
    "TranslateResult",
    "UnknownElem",
    "UnreadTotalByFilterChanged",
    "UnreadTotalChanged",
    "UnsupportedBySDK",
    "UploadProgress",
    "UserProfile",
    "UserProfileChanged",
    "UserSigExpired",
    "UserStatus",
    "UserStatusChanged",
    "Video",
    "VideoElem",
    "run",
]
