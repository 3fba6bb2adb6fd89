import { createConnection, createServer, type Socket } from "node:net";
import { afterThisTest } from "./helpers.js";

/**
 * A TCP relay between a client and a server on 127.0.0.1: `cut()` drops
 * every connection through it at once, as a network fault would, while both
 * peers live on; ZeroMQ then reconnects through it by itself. Closed after
 * the test.
 */
export async function tcpRelay(target: string): Promise<{ readonly endpoint: string; cut(): void }> {
  const [host, port] = target.replace("tcp://", "").split(":") as [string, string];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((inbound) => {
    const outbound = createConnection({ host, port: Number(port) });
    track(inbound);
    track(outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on("close", () => outbound.destroy());
    outbound.on("close", () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterThisTest(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the relay has no TCP address");
  return {
    endpoint: `tcp://127.0.0.1:${address.port}`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
