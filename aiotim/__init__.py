"""aiotim: the async Python SDK for Tencent Cloud IM (Chat), on asyncio and trio.

``await client.login(...)``, ``await client.send_text(...)``: every SDK call is a coroutine;
``async for msg in client.new_messages()``: every notification is an async stream. The native
SDK's callbacks never run Python on its threads (see ``aiotim.native``).
"""

from aiotim import usersig as usersig
from aiotim.client import Client as Client
from aiotim.enums import ConvEvent as ConvEvent
from aiotim.enums import ConvType as ConvType
from aiotim.enums import LoginStatus as LoginStatus
from aiotim.enums import NetworkStatus as NetworkStatus
from aiotim.errors import AioTIMError as AioTIMError
from aiotim.errors import ClientClosed as ClientClosed
from aiotim.errors import InvalidUserSig as InvalidUserSig
from aiotim.errors import KickedOffline as KickedOfflineError
from aiotim.errors import NotInitialized as NotInitialized
from aiotim.errors import NotLoggedIn as NotLoggedIn
from aiotim.errors import PayloadError as PayloadError
from aiotim.errors import SDKNotFound as SDKNotFound
from aiotim.errors import StreamOverflow as StreamOverflow
from aiotim.errors import TIMError as TIMError
from aiotim.errors import UnsupportedBySDK as UnsupportedBySDK
from aiotim.events.stream import Gap as Gap
from aiotim.events.stream import Stream as Stream
from aiotim.events.types import ConversationChanged as ConversationChanged
from aiotim.events.types import KickedOffline as KickedOffline
from aiotim.events.types import NetworkStatusChanged as NetworkStatusChanged
from aiotim.events.types import RawEvent as RawEvent
from aiotim.events.types import UnreadTotalChanged as UnreadTotalChanged
from aiotim.events.types import UserSigExpired as UserSigExpired
from aiotim.models import C2C as C2C
from aiotim.models import Conversation as Conversation
from aiotim.models import CustomElem as CustomElem
from aiotim.models import Group as Group
from aiotim.models import Message as Message
from aiotim.models import TextElem as TextElem

__version__ = "0.1.0"

__all__ = [
    "C2C",
    "AioTIMError",
    "Client",
    "ClientClosed",
    "ConvEvent",
    "ConvType",
    "Conversation",
    "ConversationChanged",
    "CustomElem",
    "Gap",
    "Group",
    "InvalidUserSig",
    "KickedOffline",
    "KickedOfflineError",
    "LoginStatus",
    "Message",
    "NetworkStatus",
    "NetworkStatusChanged",
    "NotInitialized",
    "NotLoggedIn",
    "PayloadError",
    "RawEvent",
    "SDKNotFound",
    "Stream",
    "StreamOverflow",
    "TIMError",
    "TextElem",
    "UnreadTotalChanged",
    "UnsupportedBySDK",
    "UserSigExpired",
]
