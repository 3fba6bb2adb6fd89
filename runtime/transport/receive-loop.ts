import type { Logger } from "../logger.js";

/** Receives every multipart message, envelope included. It must not throw; if it does, the error is logged. */
export type FrameHandler = (frames: Buffer[]) => void;

/** What the loop needs of a zeromq.js socket. */
export interface Readable {
  receive(): Promise<Buffer[]>;
  readonly closed: boolean;
}

/**
 * Receives from `socket` until `stopped()` says so, handing each message to
 * `onMessage`. It survives anything: a receive that fails is logged and
 * retried after a pause (never a busy loop on a persistent fault), a handler
 * that throws is logged. One loop for every socket the runtime reads.
 */
export async function receiveLoop(socket: Readable, stopped: () => boolean, onMessage: FrameHandler, logger: Logger): Promise<void> {
  while (!stopped()) {
    let frames: Buffer[];
    try {
      frames = await socket.receive();
    } catch (error) {
      if (stopped() || socket.closed) return;
      logger.error("receive failed; the receive loop goes on", { error });
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    try {
      onMessage(frames);
    } catch (error) {
      logger.error("message handler threw; the receive loop goes on", { error });
    }
  }
}
