import { describe, expect, it } from "vitest";
import { RoutingIdMap } from "../../runtime/transport/routing-id-map.js";

/** The map keeps the entry found last and compares it first: what it returns must be what a plain Map would. */
describe("RoutingIdMap", () => {
  const a = () => Buffer.from("peer-a");
  const b = () => Buffer.from("peer-b");

  it("finds an entry by the bytes of its routing id, whatever Buffer carries them", () => {
    const map = new RoutingIdMap<string>();
    map.set(a(), "A");
    map.set(b(), "B");
    expect([map.get(a()), map.get(a()), map.get(b()), map.get(a())]).toEqual(["A", "A", "B", "A"]);
    expect(map.get(Buffer.from("peer-"))).toBeUndefined(); // a prefix of one is no routing id of it
    expect(map.get(Buffer.from("peer-a\0"))).toBeUndefined();
  });

  it("forgets the entry found last when it is deleted or replaced", () => {
    const map = new RoutingIdMap<string>();
    map.set(a(), "first connection");
    expect(map.get(a())).toBe("first connection");
    map.delete(a());
    expect([map.get(a()), map.has(a()), map.size]).toEqual([undefined, false, 0]);
    map.set(a(), "second connection");
    expect(map.get(a())).toBe("second connection");
    map.set(a(), "third");
    expect(map.get(a())).toBe("third");
    map.clear();
    expect(map.get(a())).toBeUndefined();
  });

  it("keeps its own copy of a routing id: a caller that reuses its Buffer changes nothing", () => {
    const map = new RoutingIdMap<string>();
    map.set(a(), "A");
    const frame = a();
    expect(map.get(frame)).toBe("A");
    frame.write("peer-b"); // the Buffer it was looked up with now holds another routing id
    expect(map.get(frame)).toBeUndefined();
    expect(map.get(a())).toBe("A");
  });
});
