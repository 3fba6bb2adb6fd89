#!/usr/bin/python3
"""A pseud protocol v1 peer in Python, written from PROTOCOL.md, for interop tests.

Uses only Debian's python3-zmq and python3-msgpack. Four modes:

  pypeer.py server NAME
      Binds a ROUTER named NAME on tcp://127.0.0.1 (an OS-picked port), prints
      {"endpoint": ...} on stdout, and serves until stdin closes.

  pypeer.py client NAME ENDPOINT
      Connects a ROUTER (probe_router on) to the server NAME at ENDPOINT, runs
      its scenario against it (see run_client), prints one JSON line per check,
      and exits 0 when every check passed, 1 otherwise.

  pypeer.py call NAME ENDPOINT METHOD ARGS_JSON [KWARGS_JSON]
      Makes one call and prints the reply as {"kind": "OK"|"ERROR", "body": ...};
      {"kind": "REFUSED", "body": reason} when the server refused the security
      handshake (a socket monitor event) or the login, {"kind": "TIMEOUT"} when
      nothing came within PYPEER_TIMEOUT seconds.

  pypeer.py idle NAME ENDPOINT
      A client that only heartbeats and serves the server's calls until stdin
      closes; prints {"event": "ready"} once the server heartbeats back and
      {"event": "lost"} when the server falls silent.

Heartbeats, as the reference's test plugin: PYPEER_HEARTBEAT = JSON
{"intervalMs", "maxMissed"}: a HEARTBEAT (empty id, empty body) every
interval to each peer that heartbeats (a client: to its server), and a peer
silent for maxMissed intervals is printed as {"event": "lost"}.

Security, as the reference's plugins (PROTOCOL.md): the environment variable
PYPEER_SECURITY holds JSON. For a server: {"plugin": "plain", "users": {...}},
{"plugin": "trusted_peer"}, or {"plugin": "curve", "publicKey", "secretKey",
"clients": {login: publicKey} or null for any key}; a ZAP handler of the
peer's own decides, and handlers read the caller's User-Id per message
(whoami). For a client: {"plugin": "plain", "login", "password"}, {"plugin":
"curve", "publicKey", "secretKey", "serverKey"}, or "untrusted_curve" with
those and "login", "password": it answers UNAUTHORIZED with HELLO [login,
password] as bin, at most twice, and re-sends the refused WORK on
AUTHENTICATED.

Messages: [routing_id, b'', b'v1', message_id, type_byte, body]; bodies of
WORK, OK, ERROR and HELLO are msgpack (use_bin_type=True / raw=False).
"""
import json
import os
import sys
import time
import traceback
import uuid

import msgpack
import zmq
import zmq.utils.z85
import zmq.utils.monitor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from pseud_login import LoginRefused, prove_login  # noqa: E402  the shipped helper, tested here

VERSION = b"v1"
OK, HELLO, WORK, AUTHENTICATED, HEARTBEAT, ERROR, UNAUTHORIZED = (
    b"\x01", b"\x02", b"\x03", b"\x04", b"\x06", b"\x10", b"\x11")


def pack(value):
    return msgpack.packb(value, use_bin_type=True)


def unpack(data):
    return msgpack.unpackb(data, raw=False)


class ServiceNotFoundError(Exception):
    pass


class Unreachable(Exception):
    """The connection never came up (a refused handshake looks like this to the reference: it times out)."""


class HandshakeRefused(Exception):
    """The server refused the security handshake: what the reference waits out as a timeout, seen at once."""


HANDSHAKE_FAILURES = {
    zmq.EVENT_HANDSHAKE_FAILED_AUTH: "HANDSHAKE_FAILED_AUTH",
    zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL: "HANDSHAKE_FAILED_PROTOCOL",
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL: "HANDSHAKE_FAILED_NO_DETAIL",
}


def watch_handshake(socket):
    """Watches SOCKET's handshakes: returns a function that waits up to a timeout (s) and raises HandshakeRefused on a failure."""
    monitor = socket.get_monitor_socket(sum(HANDSHAKE_FAILURES))

    def wait(timeout):
        if monitor.poll(int(timeout * 1000)):
            event = zmq.utils.monitor.recv_monitor_message(monitor)
            raise HandshakeRefused(HANDSHAKE_FAILURES[event["event"]])

    return wait


class Peer:
    """The part both modes share: one ROUTER, a registry, replies to WORK."""

    def __init__(self, socket, wait_for_connection=time.sleep):
        self.socket = socket
        self.wait_for_connection = wait_for_connection  # how a send waits before it retries (watch_handshake's wait: a refusal ends it)
        self.registry = {}
        self.waiting = {}  # message id -> callback(kind, body) for calls this peer made

    def register(self, name, fn, with_identity=False):
        self.registry[name] = (fn, with_identity)

    def send(self, peer, message_id, kind, body):
        frames = [peer, b"", VERSION, message_id, kind, body]
        retries = int(float(os.environ.get("PYPEER_TIMEOUT", "5")) / 0.02)
        for _ in range(retries):  # the connection may not be up yet: retry, as the reference does
            try:
                self.socket.send_multipart(frames)
                return
            except zmq.error.ZMQError as error:
                if error.errno != zmq.EHOSTUNREACH:
                    raise
                self.wait_for_connection(0.02)
        raise Unreachable(peer)

    def call(self, peer, method, args=(), kwargs=None, on_reply=None):
        message_id = uuid.uuid4().bytes
        self.waiting[message_id] = on_reply
        self.send(peer, message_id, WORK, pack([method, list(args), kwargs or {}]))
        return message_id

    def handle(self, frames, user_id=None):
        if len(frames) == 2:
            return  # probe
        peer, _, version, message_id, kind, body = frames
        assert version == VERSION, version
        if kind == WORK:
            self.serve(peer, message_id, unpack(body), user_id)
        elif kind in (OK, ERROR):
            callback = self.waiting.pop(message_id, None)
            if callback is not None:
                callback(kind, unpack(body))
        # HEARTBEAT and the rest: nothing to do here

    def serve(self, peer, message_id, body, user_id=None):
        method, args, kwargs = body
        try:
            entry = self.registry.get(method)
            if entry is None:
                raise ServiceNotFoundError(method)
            fn, with_identity = entry
            if method == "whoami":
                result = user_id
            elif with_identity:
                result = fn(peer, message_id, *args, **kwargs)
                if result is DEFERRED:
                    return
            else:
                result = fn(*args, **kwargs)
            self.send(peer, message_id, OK, pack(result))
        except Exception as error:  # noqa: BLE001 - every failure is an ERROR frame
            self.send(peer, message_id, ERROR,
                      pack([type(error).__name__, str(error), traceback.format_exc()]))


DEFERRED = object()


def describe(value):
    """The Python type a value arrived as, with its repr: the TS side asserts on it."""
    return [type(value).__name__, repr(value)]


def kw(a, b=2, c=3):
    return [a, b, c]


def fail(message):
    raise ValueError(message)


class Heartbeats:
    """Who heartbeats, when each was last heard, and one tick for all of them."""

    def __init__(self, socket):
        config = json.loads(os.environ.get("PYPEER_HEARTBEAT", "null") or "null")
        self.socket = socket
        self.enabled = config is not None
        self.interval = (config or {}).get("intervalMs", 1000) / 1000.0
        self.max_missed = (config or {}).get("maxMissed", 3)
        self.peers = {}  # routing id -> last seen; only peers that heartbeat
        self.next_tick = time.time()

    def heard(self, peer, heartbeat):
        if peer in self.peers or (heartbeat and self.enabled):
            self.peers[peer] = time.time()

    def watch(self, peer):
        self.peers.setdefault(peer, time.time())

    def tick(self):
        if not self.enabled or time.time() < self.next_tick:
            return []
        self.next_tick = time.time() + self.interval
        lost = [p for p, seen in self.peers.items() if time.time() - seen > self.interval * self.max_missed]
        for peer in lost:
            del self.peers[peer]
        for peer in self.peers:
            try:
                self.socket.send_multipart([peer, b"", VERSION, b"", HEARTBEAT, b""])
            except zmq.error.ZMQError:
                pass
        return lost


def security():
    text = os.environ.get("PYPEER_SECURITY")
    return json.loads(text) if text else {"plugin": "none"}


def zap_decide(config, mechanism, credentials):
    """(status, user id) for a ZAP request, as the reference's plugins decide."""
    plugin = config["plugin"]
    if plugin == "plain" and mechanism == b"PLAIN":
        login, password = credentials[0].decode(), credentials[1].decode()
        return (b"200", login) if config["users"].get(login) == password else (b"400", "")
    if plugin == "trusted_peer" and mechanism == b"PLAIN":
        return b"200", credentials[0].decode()
    if plugin == "curve" and mechanism == b"CURVE":
        key = zmq.utils.z85.encode(credentials[0]).decode()
        clients = config.get("clients")
        if clients is None:
            return b"200", key
        for login, allowed in clients.items():
            if allowed == key:
                return b"200", login
        return b"400", ""
    return b"400", ""


def secure_server_socket(socket, config):
    if config["plugin"] in ("plain", "trusted_peer"):
        socket.plain_server = True
    elif config["plugin"] == "curve":
        socket.curve_secretkey = config["secretKey"].encode()
        socket.curve_publickey = config["publicKey"].encode()
        socket.curve_server = True


def secure_client_socket(socket, config):
    if config["plugin"] in ("plain", "trusted_peer"):
        socket.plain_username = config["login"].encode()
        socket.plain_password = config["password"].encode()
    elif config["plugin"] in ("curve", "untrusted_curve"):
        socket.curve_secretkey = config["secretKey"].encode()
        socket.curve_publickey = config["publicKey"].encode()
        socket.curve_serverkey = config["serverKey"].encode()


def user_id_of(frames):
    """The User-Id libzmq attached to a message (what ZAP named the peer), or None."""
    try:
        return frames[-1].get("User-Id")
    except zmq.error.ZMQError:
        return None


def run_server(name):
    config = security()
    context = zmq.Context()  # a context of its own, for its own ZAP handler
    zap = None
    if config["plugin"] != "none":
        zap = context.socket(zmq.ROUTER)
        zap.bind("inproc://zeromq.zap.01")
    socket = context.socket(zmq.ROUTER)
    socket.setsockopt(zmq.ROUTING_ID, name.encode())
    socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
    socket.setsockopt(zmq.LINGER, 0)
    secure_server_socket(socket, config)
    socket.bind("tcp://127.0.0.1:*")
    peer = Peer(socket)
    peer.register("hello", lambda who: "Hello " + who)
    peer.register("add", lambda a, b: a + b)
    peer.register("string.lower", lambda s: s.lower())
    peer.register("string.upper", lambda s: s.upper())
    peer.register("echo", lambda value: value)
    peer.register("describe", describe)
    peer.register("kw", kw)
    peer.register("fail", fail)

    def callback(caller, message_id, method, args):
        """Calls the calling client back, and answers with what it answered."""
        def relay(kind, body):
            peer.send(caller, message_id, kind, pack(body))
        peer.call(caller, method, args, on_reply=relay)
        return DEFERRED

    peer.register("callback", callback, with_identity=True)
    peer.register("whoami", lambda: None)  # answered in serve(): the caller's User-Id
    print(json.dumps({"endpoint": socket.getsockopt_string(zmq.LAST_ENDPOINT)}), flush=True)
    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)
    poller.register(sys.stdin, zmq.POLLIN)
    if zap is not None:
        poller.register(zap, zmq.POLLIN)
    heartbeats = Heartbeats(socket)
    while True:
        events = dict(poller.poll(int(heartbeats.interval * 250)))
        for lost in heartbeats.tick():
            print(json.dumps({"event": "lost", "peer": lost.hex()}), flush=True)
        if zap is not None and zap in events:
            request = zap.recv_multipart()
            delimiter = request.index(b"")
            _version, request_id, _domain, _address, _identity, mechanism = request[delimiter + 1:delimiter + 7]
            status, user = zap_decide(config, mechanism, request[delimiter + 7:])
            zap.send_multipart(request[:delimiter + 1] + [b"1.0", request_id, status, b"OK" if status == b"200" else b"denied", user.encode(), b""])
        if socket in events:
            frames = socket.recv_multipart(copy=False)
            raw = [f.bytes for f in frames]
            if len(raw) == 6:
                heartbeats.heard(raw[0], raw[4] == HEARTBEAT)
            peer.handle(raw, user_id_of(frames))
        if sys.stdin.fileno() in events or sys.stdin in events:
            if sys.stdin.readline() == "":
                break  # stdin closed: the test is done with us
    socket.close(0)


SAMPLES = [
    ("str", "text ✓"),
    ("empty str", ""),
    ("bytes", b"\x00\x01\xfe\xff"),
    ("list", [1, "two", [3]]),
    ("dict", {"a": 1, "nested": {"b": [True, None]}}),
    ("None", None),
    ("True", True),
    ("False", False),
    ("float", 1.5),
    ("negative int", -7),
    ("int 2**40", 2 ** 40),
    ("int 2**60", 2 ** 60),
    ("int 2**64-1", 2 ** 64 - 1),
    ("int -2**63", -2 ** 63),
    ("timestamp", msgpack.Timestamp(seconds=1795429230, nanoseconds=456000000)),
]


def run_client(name, endpoint):
    context = zmq.Context.instance()
    socket = context.socket(zmq.ROUTER)
    socket.setsockopt(zmq.PROBE_ROUTER, 1)
    socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)
    peer = Peer(socket)
    server = name.encode()
    peer.register("client.double", lambda n: n * 2)
    peer.register("client.describe", describe)
    results = []

    def call(method, args=(), kwargs=None, timeout=5.0):
        box = {}
        peer.call(server, method, args, kwargs, on_reply=lambda kind, body: box.update(kind=kind, body=body))
        deadline = time.time() + timeout
        while "kind" not in box:
            if time.time() > deadline:
                raise TimeoutError(method)
            if socket.poll(100):
                peer.handle(socket.recv_multipart())
        if box["kind"] == OK:
            return box["body"]
        class_name, message, _traceback = box["body"]
        raise RemoteError(class_name, message)

    def check(name, fn):
        try:
            detail = fn()
            results.append({"check": name, "ok": detail is True or detail is None, "detail": repr(detail)})
        except Exception as error:  # noqa: BLE001 - a failed check is reported, not raised
            results.append({"check": name, "ok": False, "detail": "%s: %s" % (type(error).__name__, error)})

    def expect_error(method, args, class_name, kwargs=None):
        try:
            call(method, args, kwargs)
        except RemoteError as error:
            return True if error.class_name == class_name else "got %s: %s" % (error.class_name, error.message)
        return "no error"

    check("hello", lambda: call("hello", ["Charly"]) == "Hello Charly" or "wrong")
    check("add", lambda: call("add", [2, 3]) == 5 or "wrong")
    check("string.upper", lambda: call("string.upper", ["abc"]) == "ABC" or "wrong")
    check("kwargs", lambda: call("kw", [1], {"c": 30}) == [1, 2, 30] or "wrong")
    check("kwargs only", lambda: call("kw", [], {"b": 20, "a": 10}) == [10, 20, 3] or "wrong")
    check("error", lambda: expect_error("fail", ["boom"], "ValueError"))
    check("unknown method", lambda: expect_error("no.such.method", [], "ServiceNotFoundError"))
    check("bad keyword", lambda: expect_error("kw", [1], "TypeError", {"zzz": 1}))
    for label, value in SAMPLES:
        def round_trip(value=value):
            back = call("echo", [value])
            if back == value and type(back) is type(value):
                return True
            return "sent %r (%s), got %r (%s)" % (value, type(value).__name__, back, type(back).__name__)
        check("echo " + label, round_trip)
    check("server calls client", lambda: call("ask.back", [20]) == 41 or "wrong")
    for result in results:
        print(json.dumps(result), flush=True)
    socket.close(0)
    return 0 if all(r["ok"] for r in results) else 1


def run_idle(name, endpoint):
    config = security()
    socket = zmq.Context.instance().socket(zmq.ROUTER)
    socket.setsockopt(zmq.PROBE_ROUTER, 1)
    socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
    socket.setsockopt(zmq.LINGER, 0)
    secure_client_socket(socket, config)
    socket.connect(endpoint)
    peer = Peer(socket)
    peer.register("client.double", lambda n: n * 2)
    server = name.encode()
    if config.get("announce"):
        print(json.dumps({"event": "authenticated", "text": prove_login(socket, server, config["login"], config["password"])}), flush=True)
    heartbeats = Heartbeats(socket)
    heartbeats.peers[server] = time.time()  # a client heartbeats its server from the start
    ready = False
    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)
    poller.register(sys.stdin, zmq.POLLIN)
    while True:
        events = dict(poller.poll(int(heartbeats.interval * 250)))
        if heartbeats.tick():
            print(json.dumps({"event": "lost"}), flush=True)
            return 0
        if socket in events:
            frames = socket.recv_multipart()
            if len(frames) == 6:
                heartbeats.heard(frames[0], frames[4] == HEARTBEAT)
                if frames[4] == HEARTBEAT and not ready:
                    ready = True
                    print(json.dumps({"event": "ready"}), flush=True)
            peer.handle(frames)
        if sys.stdin.fileno() in events or sys.stdin in events:
            if sys.stdin.readline() == "":
                return 0


def run_call(name, endpoint, method, args, kwargs):
    config = security()
    context = zmq.Context.instance()
    socket = context.socket(zmq.ROUTER)
    socket.setsockopt(zmq.PROBE_ROUTER, 1)
    socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
    socket.setsockopt(zmq.LINGER, 0)
    secure_client_socket(socket, config)
    wait_for_connection = watch_handshake(socket)
    socket.connect(endpoint)
    peer = Peer(socket, wait_for_connection)
    server = name.encode()
    box = {}
    timeout = float(os.environ.get("PYPEER_TIMEOUT", "5"))
    try:
        if config.get("announce"):
            # HELLO first, unprompted, so that a pseud server binds this connection to the login (see the README).
            prove_login(socket, server, config["login"], config["password"], timeout)
        message_id = peer.call(server, method, args, kwargs, on_reply=lambda kind, body: box.update(kind=kind, body=body))
    except Unreachable:
        print(json.dumps({"kind": "TIMEOUT"}), flush=True)
        return 1
    except (LoginRefused, HandshakeRefused) as refused:
        print(json.dumps({"kind": "REFUSED", "body": str(refused)}), flush=True)
        return 1
    work = [server, b"", VERSION, message_id, WORK, pack([method, list(args), kwargs or {}])]
    hellos_left = 2
    deadline = time.time() + timeout
    while "kind" not in box and time.time() < deadline:
        if not socket.poll(100):
            continue
        frames = socket.recv_multipart()
        if len(frames) == 6 and frames[4] == UNAUTHORIZED and config["plugin"] == "untrusted_curve":
            if hellos_left == 0:
                box.update(kind=ERROR, body=["UnauthorizedError", "Max authentication retries reached", ""])
                break
            hellos_left -= 1
            hello = pack([config["login"].encode(), config["password"].encode()])  # bin, as the reference
            socket.send_multipart([server, b"", VERSION, frames[3], HELLO, hello])
        elif len(frames) == 6 and frames[4] == AUTHENTICATED:
            socket.send_multipart(work)
        else:
            peer.handle(frames)
    socket.close(0)
    if "kind" not in box:
        print(json.dumps({"kind": "TIMEOUT"}), flush=True)
        return 1
    print(json.dumps({"kind": "OK" if box["kind"] == OK else "ERROR", "body": box["body"]}, default=repr), flush=True)
    return 0


class RemoteError(Exception):
    def __init__(self, class_name, message):
        super().__init__("%s: %s" % (class_name, message))
        self.class_name = class_name
        self.message = message


if __name__ == "__main__":
    if sys.argv[1] == "server":
        run_server(sys.argv[2])
    elif sys.argv[1] == "client":
        sys.exit(run_client(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "idle":
        sys.exit(run_idle(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "call":
        kwargs = json.loads(sys.argv[6]) if len(sys.argv) > 6 else {}
        sys.exit(run_call(sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5]), kwargs))
    else:
        sys.exit("usage: pypeer.py server NAME | client NAME ENDPOINT | call NAME ENDPOINT METHOD ARGS_JSON [KWARGS_JSON]")
