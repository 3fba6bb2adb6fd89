import { afterEach, describe, expect, it, vi } from "vitest";
import { IntervalHeartbeat } from "pseud";

/**
 * The interval plugin on a fake clock: how soon silence is found, that a
 * peer is held to its own rhythm, stalls, returns, and the one timer. The
 * real-process tests (test/liveness, test/faults) show only that it is found.
 */
afterEach(() => {
  vi.useRealTimers();
});

const INTERVAL = 100;
const MAX_MISSED = 2;
const peer = Buffer.from("peer");

function started(intervalMs = INTERVAL, maxMissed = MAX_MISSED) {
  vi.useFakeTimers();
  const plugin = new IntervalHeartbeat(intervalMs, maxMissed);
  const sent: string[] = [];
  const lost: string[] = [];
  plugin.start({ send: (id) => sent.push(id.toString()), lost: (id) => lost.push(id.toString()) });
  return { plugin, sent, lost };
}

/** The peer heartbeats every `every` ms, `times` times. */
function heartbeats(plugin: IntervalHeartbeat, every: number, times: number) {
  for (let i = 0; i < times; i++) {
    vi.advanceTimersByTime(every);
    plugin.alive(peer, true);
  }
}

/** Like started(), with the times (ms after start) at which HEARTBEATs went. */
function timed() {
  vi.useFakeTimers();
  const plugin = new IntervalHeartbeat(INTERVAL, MAX_MISSED);
  const t0 = Date.now();
  const at: number[] = [];
  const lost: string[] = [];
  plugin.start({ send: () => at.push(Date.now() - t0), lost: (id) => lost.push(id.toString()) });
  return { plugin, at, lost };
}

describe("IntervalHeartbeat", () => {
  it("finds a peer that stopped after more than maxMissed of its intervals, and within maxMissed + 1", () => {
    const { plugin, lost } = started();
    heartbeats(plugin, INTERVAL, 5); // its rhythm is ours
    vi.advanceTimersByTime(INTERVAL * MAX_MISSED);
    expect(lost).toEqual([]);
    vi.advanceTimersByTime(INTERVAL);
    expect(lost).toEqual(["peer"]);
    vi.advanceTimersByTime(INTERVAL * 10);
    expect(lost).toEqual(["peer"]); // once
  });

  it("keeps a peer that heartbeats at its own slower rhythm, and holds it to that rhythm", () => {
    const { plugin, lost } = started();
    heartbeats(plugin, 3 * INTERVAL, 20); // three of our intervals between its HEARTBEATs
    expect(lost).toEqual([]);
    vi.advanceTimersByTime(3 * INTERVAL * MAX_MISSED);
    expect(lost).toEqual([]);
    vi.advanceTimersByTime(3 * INTERVAL);
    expect(lost).toEqual(["peer"]);
  });

  it("holds a peer to the shorter of its last two gaps: one late HEARTBEAT does not loosen its deadline", () => {
    const { plugin, lost } = started(INTERVAL, 3);
    heartbeats(plugin, INTERVAL, 5);
    heartbeats(plugin, 1.9 * INTERVAL, 1); // late once: it answers its server, whose HEARTBEAT was lost
    vi.advanceTimersByTime(INTERVAL * (3 + 1)); // and then it dies
    expect(lost).toEqual(["peer"]); // found within interval × (maxMissed + 1), as if it had never been late
  });

  it("any message is a sign of life: a peer busy sending replies is not lost for sending no HEARTBEAT", () => {
    const { plugin, lost } = started();
    heartbeats(plugin, INTERVAL, 2);
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(INTERVAL);
      plugin.alive(peer, false);
    }
    expect(lost).toEqual([]);
  });

  it("holds no deadline over a peer that never heartbeats (the reference's default), but heartbeats it every interval", () => {
    const { plugin, sent, lost } = started();
    plugin.watch(peer);
    expect(sent).toEqual(["peer"]); // at once
    vi.advanceTimersByTime(INTERVAL * 100);
    expect(lost).toEqual([]);
    expect(sent).toHaveLength(101);
  });

  it("answers a newcomer's first HEARTBEAT at once, and ignores other messages from peers it does not watch", () => {
    const { plugin, sent } = started();
    plugin.alive(Buffer.from("quiet"), false);
    expect(sent).toEqual([]);
    plugin.alive(peer, true);
    expect(sent).toEqual(["peer"]);
  });

  it("a lost peer that speaks again is watched again at once, held to its old rhythm, and found again when it stops", () => {
    const { plugin, sent, lost } = started();
    heartbeats(plugin, INTERVAL, 3);
    vi.advanceTimersByTime(INTERVAL * (MAX_MISSED + 1));
    expect(lost).toEqual(["peer"]);
    const before = sent.length;
    vi.advanceTimersByTime(INTERVAL * 3);
    expect(sent.length - before).toBe(3); // still heartbeated while lost, to end a partition
    plugin.alive(peer, true);
    vi.advanceTimersByTime(INTERVAL * (MAX_MISSED + 1));
    expect(lost).toEqual(["peer", "peer"]);
  });

  it("credits a stall of this process (a sweep a whole interval late or more): no peer is lost for it", () => {
    const { plugin, lost } = started();
    heartbeats(plugin, INTERVAL, 3);
    vi.setSystemTime(Date.now() + INTERVAL * 20); // the event loop blocked for 20 intervals: no timer ran
    vi.advanceTimersByTime(INTERVAL);
    expect(lost).toEqual([]);
    vi.advanceTimersByTime(INTERVAL * (MAX_MISSED + 1)); // a peer that really died is found one deadline later
    expect(lost).toEqual(["peer"]);
  });

  it("measures no rhythm from the HEARTBEATs queued during its own stall: a slower peer is not lost for them", () => {
    for (const readBeforeTheLateSweep of [false, true]) {
      const { plugin, lost } = started(INTERVAL, 2);
      heartbeats(plugin, 3 * INTERVAL, 5); // its rhythm: three of our intervals, so its deadline is six
      vi.advanceTimersByTime(INTERVAL / 2);
      vi.setSystemTime(Date.now() + 10 * INTERVAL); // the event loop blocks for ten intervals: no timer runs
      const burst = () => {
        for (let i = 0; i < 3; i++) plugin.alive(peer, true); // three of its HEARTBEATs queued meanwhile, read at once
      };
      if (readBeforeTheLateSweep) burst();
      vi.advanceTimersByTime(INTERVAL / 2); // the late sweep: credit
      if (!readBeforeTheLateSweep) burst();
      heartbeats(plugin, 3 * INTERVAL, 5); // it goes on at its rhythm
      expect(lost).toEqual([]);
      vi.useRealTimers();
    }
  });

  it("forgets a peer whose connection closed, lost or not", () => {
    const { plugin, sent, lost } = started();
    heartbeats(plugin, INTERVAL, 3);
    plugin.forget(peer);
    const before = sent.length;
    vi.advanceTimersByTime(INTERVAL * 10);
    expect([sent.length - before, lost]).toEqual([0, []]);
  });

  it("takes a peer that comes back under a forgotten peer's routing id for a newcomer: answered at once, no old rhythm", () => {
    const { plugin, sent, lost } = started();
    heartbeats(plugin, INTERVAL, 3); // its rhythm: one interval
    plugin.forget(peer); // its connection closed
    const before = sent.length;
    plugin.alive(peer, true); // a new connection under the same routing id
    expect(sent.length - before).toBe(1);
    vi.advanceTimersByTime(INTERVAL * 10); // one HEARTBEAT only: no rhythm yet, so no deadline
    expect(lost).toEqual([]);
  });

  it("runs on one timer whatever the number of peers, and stop clears it", () => {
    const { plugin, sent } = started();
    for (let i = 0; i < 1_000; i++) plugin.alive(Buffer.from(`p${i}`), true);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(INTERVAL);
    expect(sent).toHaveLength(2_000); // each answered at once, then one sweep over all
    plugin.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("answers the HEARTBEATs of a peer it connected to, one per interval, and its own sweep sends none meanwhile", () => {
    const { plugin, at } = timed();
    plugin.watch(peer); // a client's server
    vi.advanceTimersByTime(INTERVAL / 2); // the server's sweeps fall half an interval after ours
    for (let i = 0; i < 10; i++) {
      plugin.alive(peer, true);
      vi.advanceTimersByTime(INTERVAL);
    }
    // So a server's clients heartbeat right after its sweep, together.
    expect(at).toEqual([0, 50, 150, 250, 350, 450, 550, 650, 750, 850, 950]);
  });

  it("heartbeats on its own sweep a peer it connected to that stops prompting it", () => {
    const { plugin, at, lost } = timed();
    plugin.watch(peer);
    vi.advanceTimersByTime(INTERVAL / 2);
    for (let i = 0; i < 3; i++) {
      plugin.alive(peer, true);
      vi.advanceTimersByTime(INTERVAL);
    }
    const before = at.length;
    vi.advanceTimersByTime(4 * INTERVAL);
    // The last answer went at 250: the sweep at 300 skips it (within the interval), the one at 400 sends; the one at
    // 500 finds it silent for more than MAX_MISSED of its intervals and declares it lost, and the next ones still
    // heartbeat it, as any lost peer.
    expect(at.slice(before)).toEqual([400, 600, 700]);
    expect(lost).toEqual(["peer"]);
  });

  it("keeps heartbeating a peer it connected to when the wall clock steps back (an NTP step, a VM resumed)", () => {
    const { plugin, at } = timed();
    plugin.watch(peer);
    vi.advanceTimersByTime(INTERVAL / 2);
    for (let i = 0; i < 3; i++) {
      plugin.alive(peer, true);
      vi.advanceTimersByTime(INTERVAL);
    }
    vi.setSystemTime(Date.now() - 10 * INTERVAL); // timers keep their delays; Date.now() is a second behind
    const before = at.length;
    for (let i = 0; i < 10; i++) {
      plugin.alive(peer, true);
      vi.advanceTimersByTime(INTERVAL);
    }
    expect(at.length - before).toBeGreaterThanOrEqual(10); // no interval without one (the first has two)
  });

  it("moves its HEARTBEATs to just after the peer's when the peer's come just after its sweep", () => {
    const { plugin, at } = timed();
    plugin.watch(peer);
    vi.advanceTimersByTime(INTERVAL / 5); // the server's sweeps fall 20 ms after ours
    for (let i = 0; i < 6; i++) {
      plugin.alive(peer, true);
      vi.advanceTimersByTime(INTERVAL);
    }
    // Its rhythm known at 120, the sweep at 200 leaves it to its HEARTBEAT at 220, answered; from then on, answers only.
    expect(at).toEqual([0, 100, 220, 320, 420, 520]);
  });

  it("spares a sweep only for an answer or a prompt on its way: one that the clock measures a ms short still sends", () => {
    const { plugin, at } = timed();
    plugin.watch(peer);
    vi.advanceTimersByTime(INTERVAL / 2);
    plugin.alive(peer, true); // answered at 50; then the peer falls quiet
    vi.advanceTimersByTime(INTERVAL * 1.5); // the sweep at 100 skips it, the one at 200 sends
    expect(at).toEqual([0, 50, 200]);
    vi.setSystemTime(Date.now() - 1); // the next sweep comes 99 ms after the last, by Date.now()
    vi.advanceTimersByTime(INTERVAL);
    expect(at).toHaveLength(4);
  });

  it("answers a peer that heartbeats faster than it does about once per interval, not each time", () => {
    const { plugin, at } = timed();
    plugin.watch(peer);
    for (let i = 0; i < 100; i++) {
      vi.advanceTimersByTime(INTERVAL / 10);
      plugin.alive(peer, true);
    }
    // Its rhythm is a tenth of ours: its prompt nearest our due time is the one at it, which our sweep serves too.
    expect(at).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it("answers a peer at half our interval once per interval, not on each of its HEARTBEATs", () => {
    const { plugin, at } = timed();
    plugin.watch(peer);
    vi.advanceTimersByTime(INTERVAL / 4); // its prompts fall between our sweeps
    for (let i = 0; i < 20; i++) {
      plugin.alive(peer, true);
      vi.advanceTimersByTime(INTERVAL / 2);
    }
    // Ten intervals: one HEARTBEAT each, after the first two prompts that set its rhythm.
    expect(at.length).toBeLessThanOrEqual(12);
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(Math.min(...gaps.slice(2))).toBeGreaterThanOrEqual(INTERVAL); // never two within an interval once in step
  });

  it("never answers a peer that connected to it, past its first HEARTBEAT: it heartbeats it on its sweep", () => {
    const { plugin, at } = timed();
    vi.advanceTimersByTime(INTERVAL / 2);
    for (let i = 0; i < 5; i++) {
      plugin.alive(peer, true); // a client's HEARTBEAT, half an interval after our sweeps
      vi.advanceTimersByTime(INTERVAL);
    }
    expect(at).toEqual([50, 100, 200, 300, 400, 500]);
  });

  it("refuses settings that cannot work", () => {
    expect(() => new IntervalHeartbeat(0, 3)).toThrow(RangeError);
    expect(() => new IntervalHeartbeat(100, 0)).toThrow(RangeError);
    expect(() => new IntervalHeartbeat(100, 1.5)).toThrow(RangeError);
  });
});
