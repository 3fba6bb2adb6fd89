import { describe, expect, it } from "vitest";
import { RoutingIdMap } from "../../runtime/transport/routing-id-map.js";

interface Entry {
  readonly id: Buffer;
  readonly name: string;
}

/** The map keeps the value found last and compares it first: what it returns must be what a plain Map would. */
describe("RoutingIdMap", () => {
  const entry = (id: string, name: string): Entry => ({ id: Buffer.from(id), name });
  const map = () => new RoutingIdMap<Entry>((e) => e.id);
  const name = (e: Entry | undefined) => e?.name;

  it("finds a value by the bytes of its routing id, whatever Buffer carries them", () => {
    const m = map();
    m.set(entry("peer-a", "A"));
    m.set(entry("peer-b", "B"));
    const a = () => Buffer.from("peer-a");
    expect([m.get(a()), m.get(a()), m.get(Buffer.from("peer-b")), m.get(a())].map(name)).toEqual(["A", "A", "B", "A"]);
    expect(m.get(Buffer.from("peer-"))).toBeUndefined(); // a prefix of one is no routing id of it
    expect(m.get(Buffer.from("peer-a\0"))).toBeUndefined();
  });

  it("forgets the value found last when it is deleted or replaced", () => {
    const m = map();
    const a = () => Buffer.from("peer-a");
    m.set(entry("peer-a", "first connection"));
    expect(name(m.get(a()))).toBe("first connection");
    m.delete(a());
    expect([m.get(a()), m.has(a()), m.size]).toEqual([undefined, false, 0]);
    m.set(entry("peer-a", "second connection"));
    expect(name(m.get(a()))).toBe("second connection");
    m.set(entry("peer-a", "third"));
    expect([name(m.get(a())), m.size]).toEqual(["third", 1]);
    m.clear();
    expect(m.get(a())).toBeUndefined();
  });

  it("a caller that reuses the Buffer it looked up with changes nothing", () => {
    const m = map();
    m.set(entry("peer-a", "A"));
    const frame = Buffer.from("peer-a");
    expect(name(m.get(frame))).toBe("A");
    frame.write("peer-b"); // the Buffer it was looked up with now holds another routing id
    expect(m.get(frame)).toBeUndefined();
    expect(name(m.get(Buffer.from("peer-a")))).toBe("A");
  });
});
