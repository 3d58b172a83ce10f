"""The console's web server (aiohttp) and the person's loopback clients.

Threads: the console owns one thread and one asyncio loop; the HTTP server, the WebSockets and
the person's :class:`aiotim.Client` objects all live on it. The cloud (a
:class:`~aiotim.loopback.cloud.server.CloudServer`) lives on its own loop, maybe in another
thread: every look at its state and every fault is a coroutine handed to that loop with
``asyncio.run_coroutine_threadsafe`` and awaited here, never a direct touch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import orjson
from aiohttp import WSMsgType, web

from aiotim._abi import CALLBACK_SETTERS
from aiotim.client import Client
from aiotim.errors import AioTIMError
from aiotim.loopback.cloud import groupstate, peoplestate
from aiotim.loopback.cloud.server import CloudServer
from aiotim.models import C2C, Group, Message
from aiotim.models.message import File, Image, Text
from aiotim.usersig import gen_user_sig

__all__ = ["Console"]

log = logging.getLogger("aiotim.loopback.console")

T = TypeVar("T")

#: Notifications not forwarded to the page: the SDK's own log (hundreds a second).
_QUIET = frozenset({"TIMSetLogCallback"})
#: The loopback SDK's login lasts this long at most before the console gives up.
_LOGIN_TIMEOUT_S = 15.0


def _json(data: object, status: int = 200) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, default=str), status=status, content_type="application/json"
    )


def _message_view(msg: Message) -> dict[str, Any]:
    """A message as the page shows it."""
    elems = []
    for elem in msg.elems:
        kind = type(elem).__name__.removesuffix("Elem").lower()
        summary = (
            getattr(elem, "text", None)
            or getattr(elem, "name", None)
            or getattr(elem, "data", None)
            or getattr(getattr(elem, "original", None), "url", None)
            or getattr(elem, "path", None)
            or ""
        )
        elems.append({"type": kind, "text": str(summary)})
    conv = msg.conv
    return {
        "id": msg.id,
        "sender": msg.sender,
        "conv_type": "group" if isinstance(conv, Group) else "c2c",
        "conv_id": conv.id,
        "text": msg.text,
        "elems": elems,
        "is_self": msg.is_self,
        "status": int(msg.status),
        "at": list(msg.at_users),
        "time": msg.server_time,
        "seq": msg.seq,
    }


@dataclass
class _Person:
    """One of the person's users: a loopback client logged in as ``user_id``."""

    user_id: str
    client: Client | None = None
    task: asyncio.Task[None] | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    ready: asyncio.Future[None] | None = None


class Console:
    """The console web server for one cloud.

    Args:
        cloud_loop: the loop the cloud runs on.
        server: the cloud.
        secret_key: the cloud's key (the console signs its users' UserSigs).
        host: where to listen: a loopback address only.
        port: the TCP port (0: a free one).
        restart: a coroutine function on the cloud's loop restarting the cloud (default: stop
            and start its listener).
    """

    def __init__(
        self,
        cloud_loop: asyncio.AbstractEventLoop,
        server: CloudServer,
        secret_key: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        restart: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"the console listens on a loopback address only, not {host!r}")
        self._cloud_loop = cloud_loop
        self._server = server
        self._secret_key = secret_key
        self._host = host
        self._port = port
        self._restart = restart
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._persons: dict[str, _Person] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._tmpdir = tempfile.mkdtemp(prefix="aiotim-console-")
        self.url = ""

    # -- lifecycle (called from any thread but the console's) ----------------------------

    def start(self) -> str:
        """Start the console's thread and server; returns its URL (``http://127.0.0.1:PORT/``).

        Raises:
            OSError: the port is taken.
        """
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        thread = threading.Thread(
            target=self._run_loop, args=(loop, ready), name="aiotim-loopback-console", daemon=True
        )
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread
        try:
            self.url = asyncio.run_coroutine_threadsafe(self._start_http(), loop).result()
        except BaseException:
            self.stop()
            raise
        return self.url

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    def stop(self) -> None:
        """Log the person's users out, stop the server and the thread (idempotent)."""
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30)
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
        shutil.rmtree(self._tmpdir, ignore_errors=True)

    async def _start_http(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self._index)
        app.router.add_get("/ws", self._ws)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/history", self._history)
        app.router.add_get("/api/requests", self._requests)
        app.router.add_post("/api/login", self._login)
        app.router.add_post("/api/logout", self._logout)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/upload", self._upload)
        app.router.add_post("/api/revoke", self._revoke)
        app.router.add_post("/api/friend/add", self._friend_add)
        app.router.add_post("/api/friend/accept", self._friend_accept)
        app.router.add_post("/api/group/create", self._group_create)
        app.router.add_post("/api/group/join", self._group_join)
        app.router.add_post("/api/invitation/accept", self._invitation_accept)
        app.router.add_post("/api/fault", self._fault)
        runner = self._runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        port = runner.addresses[0][1]
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{port}/"

    async def _shutdown(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        for person in list(self._persons.values()):
            await self._stop_person(person)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- the cloud, thread-safely --------------------------------------------------------

    async def _in_cloud(self, fn: Callable[[CloudServer], T]) -> T:
        """Run ``fn(server)`` on the cloud's loop and return its result here."""
        server = self._server

        async def step() -> T:
            return fn(server)

        future = asyncio.run_coroutine_threadsafe(step(), self._cloud_loop)
        return await asyncio.wrap_future(future)

    async def _in_cloud_async(self, fn: Callable[[CloudServer], Awaitable[None]]) -> None:
        server = self._server

        async def step() -> None:
            await fn(server)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(step(), self._cloud_loop))

    @staticmethod
    def _snapshot(server: CloudServer) -> dict[str, Any]:
        """The cloud's users, groups and messages (runs on the cloud's loop)."""
        store, app = server.store, server.app
        people = peoplestate.state_of(app)
        groups = groupstate.state_of(app)
        users = set(app.online) | set(store.convs) | set(people.profiles)
        users |= set(store.inboxes)
        for group in groups.groups.values():
            users |= set(group.members)
        messages = []
        for history in store.history.values():
            for m in history[-50:]:
                text = " ".join(
                    str(e.get("text_elem_content", f"[{e.get('elem_type', '?')}]"))
                    for e in m.body.get("message_elem_array", [])
                    if isinstance(e, dict)
                )
                messages.append(
                    {
                        "conv": "group " + m.target if m.conv_type == 2 else "c2c",
                        "sender": m.sender,
                        "target": m.target,
                        "id": m.msg_id,
                        "seq": m.seq,
                        "time": m.server_time,
                        "status": m.status,
                        "text": text,
                    }
                )
        messages.sort(key=lambda m: (m["time"], m["seq"]))
        return {
            "users": sorted(users),
            "online": sorted(app.online),
            "groups": [
                {
                    "id": g.group_id,
                    "name": g.name,
                    "type": g.group_type,
                    "owner": g.owner,
                    "members": list(g.members),
                }
                for g in groups.groups.values()
            ],
            "messages": messages[-200:],
            "stats": server.stats(),
            "listening": server.listening,
            "friends": {u: sorted(f) for u, f in people.friends.items()},
            "address": str(server.address),
        }

    # -- the person's users --------------------------------------------------------------

    def _new_client(self) -> Client:
        from aiotim._native.loader import SDKSource
        from aiotim.loopback.sdk import loopback_library_path

        source = SDKSource(
            path=loopback_library_path(),
            extra_config={"loopback_address": str(self._server.address)},
            private_copy=True,
        )
        return Client(self._server.sdk_app_id, sdk=source)

    async def _person(self, user_id: str) -> _Person:
        """The person's user ``user_id``, logged in (started on first use)."""
        if not isinstance(user_id, str) or not user_id.strip():
            raise web.HTTPBadRequest(text="a user id is needed")
        person = self._persons.get(user_id)
        if person is None or person.task is None or person.task.done():
            person = self._persons[user_id] = _Person(user_id)
            person.ready = asyncio.get_running_loop().create_future()
            person.task = asyncio.create_task(self._run_person(person))
        assert person.ready is not None
        await asyncio.shield(person.ready)
        return person

    async def _run_person(self, person: _Person) -> None:
        ready = person.ready
        assert ready is not None
        try:
            async with self._new_client() as client:
                person.client = client
                sig = gen_user_sig(
                    self._server.sdk_app_id, self._secret_key, person.user_id, 7 * 86400
                )
                async with asyncio.TaskGroup() as tg:
                    for setter in CALLBACK_SETTERS:
                        if setter not in _QUIET:
                            tg.create_task(self._forward(person, client, setter))
                    await asyncio.wait_for(client.login(person.user_id, sig), _LOGIN_TIMEOUT_S)
                    ready.set_result(None)
                    await self._broadcast({"type": "persons", "persons": sorted(self._persons)})
                    await person.stop.wait()
                    raise _Stopped
        except* _Stopped:
            pass
        except* Exception as group:
            exc = group.exceptions[0]
            if not ready.done():
                ready.set_exception(exc)
            else:
                log.warning("console user %r stopped: %r", person.user_id, exc)
        finally:
            if not ready.done():
                ready.set_exception(RuntimeError("stopped"))
            if self._persons.get(person.user_id) is person:
                del self._persons[person.user_id]
            person.client = None
            await self._broadcast({"type": "persons", "persons": sorted(self._persons)})

    async def _stop_person(self, person: _Person) -> None:
        person.stop.set()
        if person.task is not None:
            with contextlib.suppress(BaseException):
                await person.task

    async def _forward(self, person: _Person, client: Client, setter: str) -> None:
        """Every notification of ``setter`` to the page; new messages also as messages."""
        async with client.raw_events(setter) as stream:
            async for event in stream:
                item: dict[str, Any] = {
                    "type": "event",
                    "user": person.user_id,
                    "setter": setter,
                    "event": type(event).__name__,
                    "data": getattr(event, "raw", None),
                }
                if isinstance(event, Message):
                    item["message"] = _message_view(event)
                await self._broadcast(item)

    async def _broadcast(self, item: dict[str, Any]) -> None:
        data = orjson.dumps(item, default=str).decode()
        for ws in list(self._sockets):
            try:
                await ws.send_str(data)
            except (ConnectionError, RuntimeError):
                self._sockets.discard(ws)

    # -- HTTP handlers -------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.Response:
        page = resources.files("aiotim.loopback.console").joinpath("index.html").read_bytes()
        return web.Response(body=page, content_type="text/html", charset="utf-8")

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await ws.send_str(
                orjson.dumps({"type": "persons", "persons": sorted(self._persons)}).decode()
            )
            async for msg in ws:
                if msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self._sockets.discard(ws)
        return ws

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json(loads=orjson.loads)
        except ValueError as exc:
            raise web.HTTPBadRequest(text=f"the body must be JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="the body must be a JSON object")
        return data

    @staticmethod
    def _conv(data: dict[str, Any] | Any) -> C2C | Group:
        conv_id = str(data.get("conv_id") or "").strip()
        if not conv_id:
            raise web.HTTPBadRequest(text="a conversation id is needed")
        return Group(conv_id) if data.get("conv_type") == "group" else C2C(conv_id)

    async def _call(self, fn: Callable[[], Awaitable[T]]) -> T:
        try:
            return await fn()
        except AioTIMError as exc:
            raise web.HTTPUnprocessableEntity(
                text=orjson.dumps({"error": str(exc)}).decode(), content_type="application/json"
            ) from exc
        except (TypeError, ValueError, LookupError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from exc

    async def _client(self, user_id: object) -> Client:
        try:
            person = await self._person(str(user_id or ""))
        except web.HTTPException:
            raise
        except Exception as exc:
            raise web.HTTPUnprocessableEntity(text=f"login failed: {exc}") from exc
        assert person.client is not None
        return person.client

    async def _state(self, request: web.Request) -> web.Response:
        snapshot = await self._in_cloud(self._snapshot)
        snapshot["persons"] = sorted(self._persons)
        return _json(snapshot)

    async def _history(self, request: web.Request) -> web.Response:
        client = await self._client(request.query.get("user"))
        conv = self._conv(request.query)
        msgs = await self._call(lambda: client.get_history(conv, count=50))
        return _json([_message_view(m) for m in reversed(msgs)])

    async def _requests(self, request: web.Request) -> web.Response:
        client = await self._client(request.query.get("user"))
        reqs = await self._call(lambda: client.friends.requests())
        return _json([getattr(r, "raw", {}) or repr(r) for r in reqs])

    async def _login(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        await self._client(data.get("user"))
        return _json({"ok": True, "persons": sorted(self._persons)})

    async def _logout(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        person = self._persons.get(str(data.get("user")))
        if person is not None:
            await self._stop_person(person)
        return _json({"ok": True})

    async def _send(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        conv = self._conv(data)
        text = str(data.get("text") or "")
        if not text:
            raise web.HTTPBadRequest(text="nothing to send")
        at = [a.strip() for a in data.get("at") or [] if isinstance(a, str) and a.strip()]
        msg = await self._call(lambda: client.send(conv, Text(text), at=at))
        return _json(_message_view(msg))

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        client = await self._client(form.get("user"))
        conv = self._conv(form)
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="a file is needed")
        name = Path(upload.filename or "upload").name or "upload"
        folder = Path(tempfile.mkdtemp(dir=self._tmpdir))
        path = folder / name
        path.write_bytes(upload.file.read())
        elem = Image(path) if form.get("kind") == "image" else File(path, name)
        msg = await self._call(lambda: client.send(conv, elem))
        return _json(_message_view(msg))

    async def _revoke(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        found = await self._call(lambda: client.messages.find(str(data.get("id") or "")))
        if not found:
            raise web.HTTPNotFound(text="no such message")
        await self._call(lambda: client.messages.revoke(found[0]))
        return _json({"ok": True})

    async def _friend_add(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        peer, wording = str(data.get("peer") or ""), str(data.get("wording") or "")
        result = await self._call(lambda: client.friends.add(peer, wording=wording))
        return _json({"ok": result.ok, "pending": result.pending, "code": result.code})

    async def _friend_accept(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        peer = str(data.get("peer") or "")
        result = await self._call(lambda: client.friends.accept(peer))
        return _json({"ok": result.ok, "code": result.code})

    async def _group_create(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        name = str(data.get("name") or "").strip() or "group"
        members = [m.strip() for m in data.get("members") or [] if isinstance(m, str) and m]
        group = await self._call(lambda: client.groups.create(name, members=members))
        return _json({"ok": True, "group": group.id})

    async def _group_join(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        group_id = str(data.get("group") or "")
        await self._call(lambda: client.groups.join(group_id))
        return _json({"ok": True})

    async def _invitation_accept(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        client = await self._client(data.get("user"))
        invite_id = str(data.get("invite_id") or "")
        await self._call(lambda: client.signaling.accept(invite_id, str(data.get("data") or "")))
        return _json({"ok": True})

    async def _fault(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        action = data.get("action")
        user = str(data.get("user") or "")
        try:
            if action == "drop":
                await self._in_cloud(lambda s: s.drop_connections())
            elif action == "drop_user":

                def drop_one(s: CloudServer) -> None:
                    conn = s.app.connection_of(user)
                    s.detach(conn)
                    conn.abort()

                await self._in_cloud(drop_one)
            elif action == "expire":
                await self._in_cloud(lambda s: s.expire_user_sig(user))
            elif action == "kick":
                await self._in_cloud(lambda s: s.kick(user))
            elif action == "restart":
                restart = self._restart

                async def default_restart(s: CloudServer) -> None:
                    await s.stop()
                    await s.start()

                if restart is not None:
                    await self._in_cloud_async(lambda _s: restart())
                else:
                    await self._in_cloud_async(default_restart)
            else:
                raise web.HTTPBadRequest(text=f"unknown fault {action!r}")
        except LookupError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from exc
        await self._broadcast({"type": "fault", "action": action, "user": user})
        return _json({"ok": True})


class _Stopped(Exception):
    """The person logged a user out (ends its task group)."""
