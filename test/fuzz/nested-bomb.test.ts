import { expect, it } from "vitest";
import { Dealer } from "zeromq";
import { Client, silentLogger } from "pseud";
import { newMessageId } from "pseud/protocol";
import { closeAfter, nextMessage } from "../helpers.js";
import { startChildServer } from "../liveness/child.js";

/**
 * Found by an outside review of the one-pass reader: 99 nested array32
 * headers, each declaring as many elements as there are bytes after it (so
 * each fit "no more values than bytes left"), then fixint zeros. Refused at
 * the end, but every `new Array(n)` came first: 99 × n slots for an n-byte
 * body, 825 MB for 1 MB. The reader now counts what the outer arrays still
 * need, and refuses the second header.
 */
function nestedBomb(size: number): Buffer {
  const body = Buffer.alloc(size); // zeros: fixint 0
  for (let i = 0; i < 99; i++) {
    body[i * 5] = 0xdd;
    body.writeUInt32BE(size - 5 * 99, i * 5 + 1);
  }
  return body;
}

it("a 300 KB body of nested array32 headers that each fit the bytes after them: the server lives (192 MiB heap, as the fuzzer's)", async () => {
  const server = await startChildServer(["--max-old-space-size=192"]);
  const dealer = closeAfter(new Dealer({ linger: 0 }));
  dealer.connect(server.endpoint);
  await dealer.send(["", Buffer.from("v1"), newMessageId(), Buffer.of(0x03), nestedBomb(300_000)]);
  const reply = await Promise.race([nextMessage(dealer), server.died]);
  expect(reply).toMatchObject({ type: "ERROR" });
  const client = closeAfter(new Client("svc", { logger: silentLogger }));
  client.connect(server.endpoint);
  expect(await Promise.race([client.call("echo", ["still serving"]), server.died])).toBe("still serving");
});
