import { afterEach, describe, expect, it, vi } from "vitest";
import { receiveLoop } from "../../runtime/transport/receive-loop.js";
import { RecordingLogger } from "../helpers.js";

/** A socket stand-in that answers receive() from a script: messages, or errors to throw. */
function scriptedSocket(script: (Buffer[] | Error)[]) {
  let stop = false;
  return {
    closed: false,
    stop: () => {
      stop = true;
    },
    stopped: () => stop,
    receive: async (): Promise<Buffer[]> => {
      const next = script.shift();
      if (next === undefined) {
        stop = true;
        return [];
      }
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("receiveLoop", () => {
  it("survives a failed receive (after a pause) and a throwing handler, in order", async () => {
    vi.useFakeTimers();
    const socket = scriptedSocket([[Buffer.from("a")], new Error("EINTR"), [Buffer.from("boom")], [Buffer.from("b")]]);
    const logger = new RecordingLogger();
    const seen: string[] = [];
    const done = receiveLoop(socket, socket.stopped, ([frame]) => {
      if (frame?.toString() === "boom") throw new Error("handler bug");
      if (frame !== undefined && frame.length > 0) seen.push(frame.toString());
    }, logger);
    await vi.advanceTimersByTimeAsync(10); // the pause after the failed receive
    await done;
    expect(seen).toEqual(["a", "b"]);
    expect(logger.lines.map((l) => l.message)).toEqual(["receive failed; the receive loop goes on", "message handler threw; the receive loop goes on"]);
  });

  it("ends quietly when a receive fails because the socket was closed", async () => {
    const socket = scriptedSocket([new Error("Socket is closed")]);
    const logger = new RecordingLogger();
    socket.closed = true;
    await receiveLoop(socket, () => false, () => {}, logger);
    expect(logger.lines).toEqual([]);
  });
});
