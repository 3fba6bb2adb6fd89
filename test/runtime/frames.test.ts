import { describe, expect, it } from "vitest";
import { decodeFrames, encodeMessage, encodeValue, type Message, newMessageId } from "pseud/protocol";

const V1 = Buffer.from("v1");
const id = newMessageId();
const byte = (b: number) => Buffer.of(b);
const packed = (value: unknown) => Buffer.from(encodeValue(value));

describe("frames", () => {
  it("round-trips every message type", () => {
    const messages: Message[] = [
      { type: "WORK", id, work: { method: "string.upper", args: ["hi"], kwargs: { k: 1 } } },
      { type: "OK", id, value: { nested: [1, "x"] } },
      { type: "ERROR", id, failure: { className: "ValueError", message: "bad", traceback: "tb" } },
      { type: "HELLO", id, login: new TextEncoder().encode("alice"), password: "secret" },
      { type: "AUTHENTICATED", id, text: "Welcome b'alice'" },
      { type: "UNAUTHORIZED", id, text: "Authentication Required" },
      { type: "HEARTBEAT", id: Buffer.alloc(0), text: "" },
    ];
    for (const message of messages) {
      const decoded = decodeFrames(encodeMessage(message));
      expect(decoded).toEqual({ ok: true, message: { ...message, id: message.id } });
    }
  });

  it("writes the frames the reference expects", () => {
    const frames = encodeMessage({ type: "WORK", id, work: { method: "hello", args: ["x"], kwargs: {} } });
    expect(frames.map((f) => f.length)).toEqual([2, 16, 1, frames[3]?.length]);
    expect(frames[0]?.toString()).toBe("v1");
    expect(frames[2]?.[0]).toBe(0x03);
    expect((id[6] as number) >> 4).toBe(4); // a uuid4
  });

  it("encodes after an envelope in one array, and decodes from where the envelope ends", () => {
    const envelope = [Buffer.from("peer"), Buffer.alloc(0)];
    const message: Message = { type: "OK", id, value: [1, "two"] };
    const frames = encodeMessage(message, envelope);
    expect(frames.slice(0, 2)).toEqual(envelope);
    expect(frames.slice(2)).toEqual(encodeMessage(message));
    expect(envelope).toHaveLength(2); // the caller's envelope is left as it was
    expect(decodeFrames(frames, undefined, 2)).toEqual({ ok: true, message });
    expect(decodeFrames(frames, undefined, 1)).toMatchObject({ ok: false, error: { fault: "FRAME_COUNT", message: expect.stringContaining("got 5") } });
    expect(() => decodeFrames(frames, undefined, -1)).toThrow(RangeError);
    expect(() => decodeFrames(frames, undefined, 7)).toThrow(RangeError);
  });

  it("gives each message a fresh id", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newMessageId().toString("hex")));
    expect(ids.size).toBe(1000);
  });

  const bad: [string, Buffer[], string][] = [
    ["three frames", [V1, id, byte(0x03)], "FRAME_COUNT"],
    ["five frames", [V1, id, byte(0x03), packed(["m", [], {}]), Buffer.alloc(0)], "FRAME_COUNT"],
    ["version v2", [Buffer.from("v2"), id, byte(0x03), packed(["m", [], {}])], "VERSION"],
    ["version v (v1's first byte only)", [Buffer.from("v"), id, byte(0x03), packed(["m", [], {}])], "VERSION"],
    ["version v10 (v1 and more)", [Buffer.from("v10"), id, byte(0x03), packed(["m", [], {}])], "VERSION"],
    ["type byte 0x42", [V1, id, byte(0x42), packed(["m", [], {}])], "TYPE"],
    ["two-byte type", [V1, id, Buffer.of(0x03, 0x03), packed(["m", [], {}])], "TYPE"],
    ["15-byte id", [V1, id.subarray(1), byte(0x03), packed(["m", [], {}])], "MESSAGE_ID"],
    ["body not msgpack", [V1, id, byte(0x03), Buffer.of(0xc1)], "BODY"],
    ["truncated body", [V1, id, byte(0x01), Buffer.of(0x92, 0x01)], "BODY"],
    ["WORK body a string", [V1, id, byte(0x03), packed("m")], "WORK_BODY"],
    ["WORK body of two", [V1, id, byte(0x03), packed(["m", []])], "WORK_BODY"],
    ["WORK method not a string", [V1, id, byte(0x03), packed([1, [], {}])], "WORK_BODY"],
    ["WORK args a map", [V1, id, byte(0x03), packed(["m", {}, {}])], "WORK_BODY"],
    ["WORK kwargs an array", [V1, id, byte(0x03), packed(["m", [], []])], "WORK_BODY"],
    ["ERROR body a string", [V1, id, byte(0x10), packed("boom")], "ERROR_BODY"],
    ["HELLO of numbers", [V1, id, byte(0x02), packed([1, 2])], "HELLO_BODY"],
    ["pickled datetime", [V1, id, byte(0x01), Buffer.of(0xd4, 125, 0)], "PICKLED_EXT"],
  ];
  it.each(bad)("refuses %s with fault %s, without throwing", (_name, frames, fault) => {
    const decoded = decodeFrames(frames);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.fault).toBe(fault);
      expect(decoded.error.code).toBe("PROTOCOL");
    }
  });

  it("keeps the type and id of a broken WORK so that it can be answered", () => {
    const decoded = decodeFrames([V1, id, byte(0x03), packed("m")]);
    expect(decoded).toMatchObject({ ok: false, type: "WORK" });
    expect(!decoded.ok && decoded.id?.equals(id)).toBe(true);
  });

  it("never throws on frames too large to show: a 256 MiB version or type frame is refused, and its error is short", () => {
    // Never written to: only the refusal's own reading touches its memory.
    const huge = Buffer.allocUnsafe(256 * 1024 * 1024);
    for (const [frames, fault] of [
      [[huge, id, byte(0x03), packed(["m", [], {}])], "VERSION"],
      [[V1, id, huge, packed(["m", [], {}])], "TYPE"],
    ] as const) {
      const decoded = decodeFrames(frames);
      expect(decoded).toMatchObject({ ok: false, error: { fault } });
      expect(!decoded.ok && decoded.error.message.length).toBeLessThan(200);
    }
  });
});
