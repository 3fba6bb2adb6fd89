import { Router } from "zeromq";
import { type KeyPair } from "pseud";
import { decodeFrames, encodeMessage, type Message, newMessageId } from "pseud/protocol";
import { closeAfter } from "../helpers.js";

/** How a raw peer secures its connection. */
export type RawSecurity = { curve: KeyPair; serverKey: string } | { plain: { username: string; password: string } } | undefined;

/**
 * A bare ROUTER that plays a client of server "svc" frame by frame: what an
 * attacker, or a reference client, can do. Closed after the test.
 */
export function rawPeer(endpoint: string, security: RawSecurity, routingId?: string) {
  const socket = closeAfter(
    new Router({
      linger: 0,
      probeRouter: true,
      mandatory: true, // else a send before the connection is up is dropped silently, not retried
      receiveTimeout: 3_000,
      ...(routingId === undefined ? {} : { routingId }),
      ...(security && "curve" in security ? { curvePublicKey: security.curve.publicKey, curveSecretKey: security.curve.secretKey, curveServerKey: security.serverKey } : {}),
      ...(security && "plain" in security ? { plainUsername: security.plain.username, plainPassword: security.plain.password } : {}),
    }),
  );
  socket.connect(endpoint);
  const to = Buffer.from("svc");
  return {
    socket,
    /** Sends a message to the server, retrying while the connection comes up. */
    async send(message: Message): Promise<void> {
      await sendFrames(socket, [to, Buffer.alloc(0), ...encodeMessage(message)]);
    },
    /** Sends raw frames after the envelope. */
    async sendRaw(frames: (string | Buffer)[]): Promise<void> {
      await sendFrames(socket, [to, Buffer.alloc(0), ...frames.map((f) => (typeof f === "string" ? Buffer.from(f) : f))]);
    },
    /** The next decoded message from the server (a receive timeout rejects). */
    async next(): Promise<Message> {
      for (;;) {
        const frames = await socket.receive();
        const decoded = decodeFrames(frames.slice(2));
        if (decoded.ok) return decoded.message;
      }
    },
    work: (method: string, args: unknown[] = [], id = newMessageId()): Message => ({ type: "WORK", id, work: { method, args, kwargs: {} } }),
  };
}

async function sendFrames(socket: Router, frames: Buffer[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await socket.send(frames);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "EHOSTUNREACH" || attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
