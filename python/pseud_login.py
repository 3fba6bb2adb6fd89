"""Let a pseud for TypeScript server know a Python pseud client by its login.

Under plain, trusted_peer and trusted_curve, ZAP checks a client's password
or key when it connects, and the Python reference's server then reads the
login from each message's ZeroMQ property "User-Id". zeromq.js, which the
TypeScript server runs on, exposes no message properties, and nothing else
ties a ZAP request to the connection it was for (see the README, "Python
clients' identity"). So the TypeScript server cannot know such a client's
login from ZAP alone: `server.sendTo("alice")` would not find it.

This helper closes the gap from the client's side, with the protocol's own
HELLO: it sends HELLO [login, password] once, right after connecting, and
waits for AUTHENTICATED. The server checks the pair again and binds the
login to this connection, for as long as the connection lasts.

Use it on the client's ROUTER socket after connect and before anything else
reads that socket (with the reference, before `await client.start()`):

    client = pseud.Client("service", security_plugin="plain", login="alice", password="...")
    client.connect("tcp://127.0.0.1:5555")
    prove_login(client.socket, b"service", "alice", "...")

Needs pyzmq and msgpack (Debian: python3-zmq, python3-msgpack).
"""
import uuid

import msgpack
import zmq

VERSION = b"v1"
HELLO, AUTHENTICATED, UNAUTHORIZED = b"\x02", b"\x04", b"\x11"


class LoginRefused(Exception):
    """The server answered HELLO with UNAUTHORIZED, or not at all in time."""


def prove_login(socket, server_name, login, password, timeout=5.0):
    """Sends HELLO [login, password] to `server_name` and returns the text of its AUTHENTICATED.

    Raises LoginRefused on UNAUTHORIZED or when no answer comes within `timeout`
    seconds. A server that is not up yet is waited for, within the same timeout.
    """
    message_id = uuid.uuid4().bytes
    body = msgpack.packb([login.encode(), password.encode()], use_bin_type=True)  # bin, as the reference's HELLO
    frames = [server_name, b"", VERSION, message_id, HELLO, body]
    deadline_ms = int(timeout * 1000)
    waited = 0
    while True:
        try:
            socket.send_multipart(frames, zmq.NOBLOCK)
            break
        except zmq.ZMQError as error:  # EHOSTUNREACH (ROUTER_MANDATORY): not connected yet
            if error.errno not in (zmq.EHOSTUNREACH, zmq.EAGAIN) or waited >= deadline_ms:
                raise LoginRefused("cannot reach %r: %s" % (server_name, error)) from error
            socket.poll(10, zmq.POLLOUT)
            waited += 10
    while socket.poll(max(deadline_ms - waited, 1)):
        reply = socket.recv_multipart()
        if len(reply) == 6 and reply[3] == message_id:
            if reply[4] == AUTHENTICATED:
                return reply[5].decode("utf-8", "replace")
            raise LoginRefused(reply[5].decode("utf-8", "replace"))
    raise LoginRefused("no answer to HELLO within %s s" % timeout)
