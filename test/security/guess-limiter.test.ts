import { describe, expect, it, vi } from "vitest";
import {
  DEFAULT_GUESS_LIMITS,
  FIRST_BACKOFF_MS,
  FORGIVE_AFTER_MS,
  FREE_FAILURES_PER_ADDRESS,
  FREE_FAILURES_PER_LOGIN,
  GuessLimiter,
  type GuessLimits,
  guessLimits,
  MAX_BACKOFF_MS,
  type Subject,
  THROTTLED,
} from "../../runtime/security/guess-limiter.js";
import { deferred } from "../helpers.js";

/** A limiter on a clock that moves only when the test says. */
function limiter(limits: Partial<GuessLimits> = {}) {
  let now = 0;
  const guesses = new GuessLimiter({ ...DEFAULT_GUESS_LIMITS, ...limits }, () => now);
  const check = (subjects: Subject[], ok: boolean) => {
    const run = vi.fn(async () => ok);
    return guesses.check(subjects, run).then((result) => ({ result, ran: run.mock.calls.length === 1 }));
  };
  return { guesses, check, advance: (ms: number) => (now += ms) };
}

const alice: Subject[] = [{ login: "alice" }];
const THROTTLED_NOT_RUN = { result: THROTTLED, ran: false };

describe("GuessLimiter", () => {
  it(`lets a login fail ${FREE_FAILURES_PER_LOGIN} times, then waits ${FIRST_BACKOFF_MS} ms, doubling with each failure up to ${MAX_BACKOFF_MS} ms`, async () => {
    const { check, advance } = limiter({ globalFailureBurst: 1_000 });
    for (let i = 0; i < FREE_FAILURES_PER_LOGIN; i++) expect(await check(alice, false)).toEqual({ result: false, ran: true });
    expect(await check(alice, true)).toEqual(THROTTLED_NOT_RUN); // not even the right password is checked
    const windows: number[] = [];
    for (let window = FIRST_BACKOFF_MS; windows.length < 14; window = Math.min(window * 2, MAX_BACKOFF_MS)) {
      advance(window - 1);
      expect(await check(alice, false)).toEqual(THROTTLED_NOT_RUN);
      advance(1);
      expect(await check(alice, false)).toEqual({ result: false, ran: true });
      windows.push(window);
    }
    expect(windows.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(windows.at(-1)).toBe(MAX_BACKOFF_MS);
  });

  it("forgets a login's failures when it succeeds; other logins are counted apart", async () => {
    const { check } = limiter();
    for (let i = 0; i < FREE_FAILURES_PER_LOGIN - 1; i++) await check(alice, false);
    expect(await check(alice, true)).toEqual({ result: true, ran: true });
    for (let i = 0; i < FREE_FAILURES_PER_LOGIN; i++) expect(await check(alice, false)).toEqual({ result: false, ran: true });
    expect(await check(alice, false)).toEqual(THROTTLED_NOT_RUN);
    expect(await check([{ login: "bob" }], true)).toEqual({ result: true, ran: true });
    expect(await check([{ login: "no such login" }], false)).toEqual({ result: false, ran: true });
  });

  it(`limits an address across logins (${FREE_FAILURES_PER_ADDRESS} failures), and a success does not forgive it`, async () => {
    const { check } = limiter();
    const from = (login: string): Subject[] => [{ login }, { address: "10.0.0.1" }];
    for (let i = 0; i < FREE_FAILURES_PER_ADDRESS - 1; i++) expect(await check(from(`user${i}`), false)).toMatchObject({ ran: true });
    expect(await check(from("mallory"), true)).toEqual({ result: true, ran: true });
    expect(await check(from("user-last"), false)).toMatchObject({ ran: true });
    expect(await check(from("carol"), true)).toEqual(THROTTLED_NOT_RUN);
    expect(await check([{ login: "carol" }, { address: "10.0.0.2" }], true)).toEqual({ result: true, ran: true });
  });

  it("counts checks in flight as failures to come: past the budget, a check waits for them, then runs or is throttled", async () => {
    const { guesses } = limiter();
    const slow = Array.from({ length: FREE_FAILURES_PER_LOGIN }, () => deferred<boolean>());
    const running = slow.map((d) => guesses.check(alice, () => d.promise));
    const late = vi.fn(async () => true);
    let lateResult: boolean | typeof THROTTLED | undefined;
    const lateDone = guesses.check(alice, late).then((r) => (lateResult = r));
    (slow[0] as { resolve: (ok: boolean) => void }).resolve(false);
    await running[0];
    expect(late).not.toHaveBeenCalled(); // 1 failure + 4 in flight: the budget is still spoken for
    for (const d of slow.slice(1)) d.resolve(false);
    await Promise.all([...running, lateDone]);
    expect(late).not.toHaveBeenCalled();
    expect(lateResult).toBe(THROTTLED);
  });

  it("a waiting check runs once a check in flight succeeds", async () => {
    const { guesses } = limiter({ freeFailuresPerLogin: 1 });
    const first = deferred<boolean>();
    const running = guesses.check(alice, () => first.promise);
    const late = vi.fn(async () => true);
    const lateDone = guesses.check(alice, late);
    expect(late).not.toHaveBeenCalled();
    first.resolve(true);
    expect(await running).toBe(true);
    expect(await lateDone).toBe(true);
    expect(late).toHaveBeenCalledOnce();
  });

  it("refuses a check that would wait when the waiting line is full", async () => {
    const { guesses, check } = limiter({ freeFailuresPerLogin: 1, maxWaiting: 1 });
    const first = deferred<boolean>();
    const running = guesses.check(alice, () => first.promise);
    const waiting = guesses.check(alice, async () => true);
    expect(await check(alice, true)).toEqual(THROTTLED_NOT_RUN);
    first.resolve(true);
    await Promise.all([running, waiting]);
  });

  it("holds logins that have failed to the global rate; a login that has not failed is not held", async () => {
    const { check, advance } = limiter({ globalFailureBurst: 3, globalFailuresPerSecond: 1 });
    for (const login of ["u1", "u2", "u3"]) expect(await check([{ login }], false)).toMatchObject({ ran: true }); // spends the burst
    expect(await check([{ login: "u1" }], false)).toEqual(THROTTLED_NOT_RUN);
    expect(await check([{ login: "dave" }], true)).toEqual({ result: true, ran: true });
    advance(1_000);
    expect(await check([{ login: "u1" }], false)).toEqual({ result: false, ran: true });
    expect(await check([{ login: "u2" }], false)).toEqual(THROTTLED_NOT_RUN);
  });

  it("when the table is full, new logins are not remembered but held to the global rate; remembered ones are never dropped for them", async () => {
    const { check, advance } = limiter({ freeFailuresPerLogin: 2, maxTracked: 2, globalFailureBurst: 5, globalFailuresPerSecond: 1, firstBackoffMs: 3_600_000 });
    await check([{ login: "x" }], false);
    await check([{ login: "x" }], false); // x backs off; 3 tokens left
    await check([{ login: "y" }], false); // y has one failure left; the table is full; 2 tokens left
    for (let i = 0; i < 2; i++) expect(await check([{ login: "w" }], false)).toEqual({ result: false, ran: true });
    expect(await check([{ login: "w" }], false)).toEqual(THROTTLED_NOT_RUN); // the global rate is spent
    advance(1_000);
    expect(await check([{ login: "w" }], false)).toEqual({ result: false, ran: true }); // not remembered, so not backing off
    advance(1_000);
    expect(await check([{ login: "y" }], false)).toEqual({ result: false, ran: true }); // y's second failure: still remembered…
    advance(1_000);
    expect(await check([{ login: "y" }], true)).toEqual(THROTTLED_NOT_RUN); // …so now it backs off
    expect(await check([{ login: "x" }], true)).toEqual(THROTTLED_NOT_RUN);
  });

  it("gives a token of the global rate back when a check held to it succeeds", async () => {
    const { check } = limiter({ globalFailureBurst: 3, globalFailuresPerSecond: 0 });
    await check([{ login: "u1" }], false);
    await check([{ login: "u2" }], false); // one token left
    expect(await check([{ login: "u1" }], true)).toEqual({ result: true, ran: true });
    expect(await check([{ login: "u2" }], false)).toEqual({ result: false, ran: true }); // the token u1 held came back
    expect(await check([{ login: "u2" }], false)).toEqual(THROTTLED_NOT_RUN);
  });

  it(`forgives a login after ${FORGIVE_AFTER_MS} ms without failures`, async () => {
    const { check, advance } = limiter();
    for (let i = 0; i < FREE_FAILURES_PER_LOGIN; i++) await check(alice, false);
    advance(FORGIVE_AFTER_MS);
    for (let i = 0; i < FREE_FAILURES_PER_LOGIN; i++) expect(await check(alice, false)).toEqual({ result: false, ran: true });
  });

  it("a check that throws counts as no failure, and its error is passed on", async () => {
    const { guesses, check } = limiter();
    for (let i = 0; i < FREE_FAILURES_PER_LOGIN + 1; i++) {
      await expect(guesses.check(alice, () => Promise.reject(new Error("database down")))).rejects.toThrow("database down");
    }
    expect(await check(alice, true)).toEqual({ result: true, ran: true });
  });

  it("takes limits as overrides of the defaults, and refuses unknown or negative ones", () => {
    expect(guessLimits(undefined)).toBe(DEFAULT_GUESS_LIMITS);
    expect(guessLimits({ firstBackoffMs: 10 })).toEqual({ ...DEFAULT_GUESS_LIMITS, firstBackoffMs: 10 });
    expect(() => guessLimits({ freeFailures: 3 })).toThrow(new TypeError('security.guessLimits: unknown limit "freeFailures"'));
    expect(() => guessLimits({ maxTracked: -1 })).toThrow(new TypeError("security.guessLimits.maxTracked: expected a finite number ≥ 0"));
    expect(() => guessLimits("strict")).toThrow(TypeError);
  });
});
