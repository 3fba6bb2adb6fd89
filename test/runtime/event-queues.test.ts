import { afterEach, describe, expect, it, vi } from "vitest";
import { ServiceNotFoundError, silentLogger } from "pseud";
import { EventPublisher } from "../../runtime/events/publisher.js";
import { EventSubscriber } from "../../runtime/events/subscriber.js";
import { deferred } from "../helpers.js";

/** The events' queues and ordering without a socket; retention on a fake clock. */
afterEach(() => {
  vi.useRealTimers();
});

/** A publisher whose deliveries the test answers: `answer(i)` settles the i-th. */
function publisher(limits = {}) {
  const deliveries: { to: string; args: readonly unknown[]; settle: (error?: Error) => void }[] = [];
  const events = new EventPublisher(
    {
      deliver: (id, args) => {
        const done = deferred();
        let failure: Error | undefined;
        deliveries.push({ to: id.toString(), args, settle: (error) => ((failure = error), done.resolve()) });
        return done.promise.then(() => {
          if (failure) throw failure;
        });
      },
      logger: silentLogger,
    },
    limits,
  );
  return { events, deliveries, seqs: () => deliveries.map((d) => d.args[2]) };
}

const alice = Buffer.from("pseud:alice");
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("EventPublisher", () => {
  it("sends up to maxEventsInFlight unanswered, queues the rest, and sends the unanswered first again when its subscriber comes back", async () => {
    const { events, deliveries, seqs } = publisher({ maxEventsInFlight: 2 });
    events.subscribe(alice, undefined, ["tick"]);
    for (let i = 1; i <= 5; i++) events.publish("tick", i);
    expect(seqs()).toEqual([1, 2]);
    deliveries[0]?.settle();
    await flush();
    expect(seqs()).toEqual([1, 2, 3]);
    events.disconnected(alice); // 2 and 3 unanswered
    expect(events.stats()).toMatchObject({ connected: 0, queued: 4, inFlight: 0 });
    events.subscribe(alice, undefined, ["tick"]);
    expect(seqs()).toEqual([1, 2, 3, 2, 3]);
  });

  it("keeps a subscriber that is away for retentionMs, then forgets it and counts its events dropped", () => {
    vi.useFakeTimers();
    const { events } = publisher({ retentionMs: 1_000 });
    events.subscribe(alice, undefined, ["tick"]);
    events.disconnected(alice);
    events.publish("tick", 1);
    vi.advanceTimersByTime(999);
    expect(events.stats()).toMatchObject({ subscribers: 1, queued: 1 });
    vi.advanceTimersByTime(1_000);
    expect(events.stats()).toMatchObject({ subscribers: 0, queued: 0, dropped: 1 });
    events.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps at most maxRetainedSubscribers away; the one gone longest goes first", () => {
    vi.useFakeTimers();
    const { events } = publisher({ maxRetainedSubscribers: 2 });
    for (const name of ["a", "b", "c"]) {
      events.subscribe(Buffer.from(name), undefined, ["tick"]);
      events.disconnected(Buffer.from(name));
      vi.advanceTimersByTime(1);
    }
    expect(events.publish("tick", 1)).toBe(2); // a was forgotten
    events.close();
  });

  it("gives none of a subscriber's events to another identity under its routing id", () => {
    const { events, seqs } = publisher();
    events.subscribe(alice, "alice", ["tick"]);
    events.disconnected(alice);
    events.publish("tick", "private");
    events.subscribe(alice, "mallory", ["tick"]);
    expect(seqs()).toEqual([]);
    expect(events.stats()).toMatchObject({ subscribers: 1, queued: 0, dropped: 1 });
    events.close();
  });

  it("unsubscribes a peer that has no pseud.event method (ServiceNotFoundError)", async () => {
    const { events, deliveries } = publisher();
    events.subscribe(alice, undefined, ["tick"]);
    events.publish("tick", 1);
    deliveries[0]?.settle(new ServiceNotFoundError("pseud.event"));
    await flush();
    expect(events.publish("tick", 2)).toBe(0);
    events.close();
  });
});

describe("EventSubscriber", () => {
  function subscriber() {
    const missed: number[] = [];
    const calls: [string, readonly unknown[]][] = [];
    const events = new EventSubscriber({
      call: async (method, args) => void calls.push([method, args]),
      isConnected: () => true,
      missed: (count) => missed.push(count),
      logger: silentLogger,
    });
    const seen: unknown[] = [];
    return { events, missed, calls, seen };
  }

  it("drops a repeat, counts a gap, and starts over with a new stream (a restarted server)", () => {
    const { events, missed, seen } = subscriber();
    events.subscribe("tick", (payload) => seen.push(payload));
    for (const [payload, seq, stream] of [["a", 1, "s1"], ["b", 2, "s1"], ["b again", 2, "s1"], ["e", 5, "s1"], ["new", 1, "s2"]] as const) {
      events.deliver("tick", payload, seq, stream);
    }
    expect(seen).toEqual(["a", "b", "e", "new"]);
    expect(missed).toEqual([2]);
  });

  it("subscribes on the first handler of a name, unsubscribes after the last, and subscribes to all again when the server is back", () => {
    const { events, calls } = subscriber();
    const stopA = events.subscribe("tick", () => {});
    const stopB = events.subscribe("tick", () => {});
    events.subscribe("tock", () => {});
    stopA();
    stopB();
    events.connected();
    expect(calls).toEqual([
      ["pseud.subscribe", [["tick"]]],
      ["pseud.subscribe", [["tock"]]],
      ["pseud.unsubscribe", [["tick"]]],
      ["pseud.subscribe", [["tock"]]],
    ]);
  });

  it("a handler that throws or rejects is logged; the others run", async () => {
    const { events, seen } = subscriber();
    events.subscribe("tick", () => {
      throw new Error("sync");
    });
    events.subscribe("tick", () => Promise.reject(new Error("async")));
    events.subscribe("tick", (payload) => seen.push(payload));
    expect(events.deliver("tick", 1, 1, "s")).toBeNull();
    await flush();
    expect(seen).toEqual([1]);
  });
});

describe("EventPublisher's bound over all subscribers", () => {
  it("sends no more than maxEventsInFlightTotal unanswered across subscribers, and resumes the others as answers come", async () => {
    const { events, deliveries } = publisher({ maxEventsInFlight: 10, maxEventsInFlightTotal: 3 });
    for (const name of ["a", "b", "c", "d"]) events.subscribe(Buffer.from(name), undefined, ["tick"]);
    events.publish("tick", 1); // four subscribers, room for three in flight
    expect(deliveries.map((d) => d.to)).toEqual(["a", "b", "c"]);
    deliveries[0]?.settle();
    await flush();
    expect(deliveries.map((d) => d.to)).toEqual(["a", "b", "c", "d"]);
    expect(events.stats()).toMatchObject({ inFlight: 3, queued: 0 });
    events.close();
  });
});
