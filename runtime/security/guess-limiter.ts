import { createHash } from "node:crypto";

/** Failed password checks a login may have before its further checks are spaced out (see {@link FIRST_BACKOFF_MS}). */
export const FREE_FAILURES_PER_LOGIN = 5;

/**
 * Failed password checks one network address may have before its further
 * checks are spaced out. Only ZAP names a peer's address (`plain` checks the
 * password there, at connect); a HELLO comes with none. Higher than per
 * login: many clients may share an address.
 */
export const FREE_FAILURES_PER_ADDRESS = 20;

/** The wait after the free failures are spent; each further failure doubles it, up to {@link MAX_BACKOFF_MS}. */
export const FIRST_BACKOFF_MS = 1_000;

/** The longest wait between two checks of a login or address that keeps failing: at most one guess per this long. */
export const MAX_BACKOFF_MS = 15 * 60_000;

/** A login or address with no failure for this long is forgiven: its count goes back to zero. */
export const FORGIVE_AFTER_MS = 24 * 60 * 60_000;

/**
 * Failed checks per second, sustained, that the server allows across every
 * login and address that has failed lately, or cannot be remembered: with
 * {@link MAX_TRACKED}, the bound on spreading guesses over many logins. A
 * login with no recent failure is not held to it while the table has room,
 * so that an attacker who spends it does not lock out everyone.
 */
export const GLOBAL_FAILURES_PER_SECOND = 10;

/** The failures {@link GLOBAL_FAILURES_PER_SECOND} lets through at once. */
export const GLOBAL_FAILURE_BURST = 100;

/**
 * Logins and addresses whose failures are remembered at most. None is
 * forgotten early to make room (that would let an attacker flush the login it
 * targets); while the table is full, checks of the others are held to
 * {@link GLOBAL_FAILURES_PER_SECOND}.
 */
export const MAX_TRACKED = 10_000;

/** Checks that may wait for a check of the same login or address to end; more are refused as throttled. */
export const MAX_WAITING_CHECKS = 1_000;

/** The limits of a {@link GuessLimiter}; each defaults to the constant named after it (`maxWaiting`: {@link MAX_WAITING_CHECKS}). */
export interface GuessLimits {
  readonly freeFailuresPerLogin: number;
  readonly freeFailuresPerAddress: number;
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly forgiveAfterMs: number;
  readonly globalFailuresPerSecond: number;
  readonly globalFailureBurst: number;
  readonly maxTracked: number;
  readonly maxWaiting: number;
}

/** The default limits: the constants above. */
export const DEFAULT_GUESS_LIMITS: GuessLimits = {
  freeFailuresPerLogin: FREE_FAILURES_PER_LOGIN,
  freeFailuresPerAddress: FREE_FAILURES_PER_ADDRESS,
  firstBackoffMs: FIRST_BACKOFF_MS,
  maxBackoffMs: MAX_BACKOFF_MS,
  forgiveAfterMs: FORGIVE_AFTER_MS,
  globalFailuresPerSecond: GLOBAL_FAILURES_PER_SECOND,
  globalFailureBurst: GLOBAL_FAILURE_BURST,
  maxTracked: MAX_TRACKED,
  maxWaiting: MAX_WAITING_CHECKS,
};

/** The defaults with some limits replaced; throws TypeError for an unknown limit or a value that is not a finite number ≥ 0. */
export function guessLimits(overrides: unknown): GuessLimits {
  if (overrides === undefined) return DEFAULT_GUESS_LIMITS;
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) throw new TypeError("security.guessLimits: expected an object of limits");
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(DEFAULT_GUESS_LIMITS, name)) throw new TypeError(`security.guessLimits: unknown limit ${JSON.stringify(name)}`);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new TypeError(`security.guessLimits.${name}: expected a finite number ≥ 0`);
  }
  return { ...DEFAULT_GUESS_LIMITS, ...(overrides as Partial<GuessLimits>) };
}

/** What a check was refused for, without being run: too many recent failures. */
export const THROTTLED: unique symbol = Symbol("throttled");

/** Who a password check is about: the login it names, and the address it comes from when that is known. */
export type Subject = { readonly login: string } | { readonly address: string };

interface Failures {
  count: number;
  lastAt: number;
}

interface Admission {
  readonly keys: readonly string[];
  /** Whether it holds a token of the global rate, given back if the check succeeds. */
  readonly reserved: boolean;
}

interface Waiter {
  readonly keys: readonly string[];
  readonly admit: (admission: Admission | typeof THROTTLED) => void;
}

/**
 * Limits password guessing, whatever the connection: per login, per address
 * (where known) and across the server. A connection's own budget resets when
 * it reconnects; these do not.
 *
 * Each login (address) may fail {@link FREE_FAILURES_PER_LOGIN}
 * ({@link FREE_FAILURES_PER_ADDRESS}) times; then one check is allowed per
 * backoff window, which starts at {@link FIRST_BACKOFF_MS} after the last
 * failure and doubles with each further failure up to {@link MAX_BACKOFF_MS}.
 * A check inside a window is not run: THROTTLED. A success forgets the
 * login's failures (not the address's: one good account must not buy
 * guesses). Checks in flight count as failures to come: while some run, the
 * others wait for them rather than guess past the budget. Logins and
 * addresses that have failed, or cannot be remembered (more than
 * {@link MAX_TRACKED}), are also held to {@link GLOBAL_FAILURES_PER_SECOND}.
 *
 * Logins are remembered whether or not they exist, so a refusal tells
 * nothing about which do.
 *
 * Time comes from `now`, so tests can drive it.
 */
export class GuessLimiter {
  /** Failures by key, oldest last failure first (a failure moves its key to the end). */
  private readonly failures = new Map<string, Failures>();
  private readonly inFlight = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private tokens: number;
  private tokensAt: number;

  constructor(
    private readonly limits: GuessLimits = DEFAULT_GUESS_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.globalFailureBurst;
    this.tokensAt = now();
  }

  /**
   * Runs `run` (a password check: true when the password is right) when the
   * limits allow it, now or once the checks in flight for the same subjects
   * end; THROTTLED without running it when they do not. A check that throws
   * counts as no failure, and its error is passed on.
   */
  async check(subjects: readonly Subject[], run: () => Promise<boolean>): Promise<boolean | typeof THROTTLED> {
    const keys = subjects.map(keyOf);
    const admission = await this.admit(keys);
    if (admission === THROTTLED) return THROTTLED;
    let ok: boolean | undefined;
    try {
      ok = await run();
      return ok;
    } finally {
      this.finish(admission, ok);
    }
  }

  private admit(keys: readonly string[]): Admission | typeof THROTTLED | Promise<Admission | typeof THROTTLED> {
    const decision = this.decide(keys);
    if (decision !== "wait") return decision;
    if (this.waiting.length >= this.limits.maxWaiting) return THROTTLED;
    return new Promise((admit) => this.waiting.push({ keys, admit }));
  }

  /** Runs now (and is counted in flight), waits for the checks in flight, or is throttled. */
  private decide(keys: readonly string[]): Admission | typeof THROTTLED | "wait" {
    const now = this.now();
    this.forgetOld(now);
    let wait = false;
    let gated = false;
    for (const key of keys) {
      const failures = this.failures.get(key);
      const count = failures?.count ?? 0;
      const free = this.freeFailures(key);
      if (failures !== undefined && count >= free && now < failures.lastAt + this.backoff(count - free)) return THROTTLED;
      // Past the free failures, one check at a time; before, no more in flight than failures left.
      if ((this.inFlight.get(key) ?? 0) >= (count >= free ? 1 : free - count)) wait = true;
      if (count > 0 || (failures === undefined && this.failures.size >= this.limits.maxTracked)) gated = true;
    }
    if (wait) return "wait";
    if (gated) {
      this.refill(now);
      if (this.tokens < 1) return THROTTLED;
      this.tokens -= 1;
    }
    for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    return { keys, reserved: gated };
  }

  /** A check ended: true (right password), false (wrong), undefined (it threw). */
  private finish(admission: Admission, ok: boolean | undefined): void {
    const now = this.now();
    for (const key of admission.keys) {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
      if (ok === true && key.startsWith(LOGIN)) this.failures.delete(key);
      if (ok === false) this.fail(key, now);
    }
    this.refill(now);
    if (admission.reserved && ok !== false) this.tokens = Math.min(this.limits.globalFailureBurst, this.tokens + 1);
    if (!admission.reserved && ok === false) this.tokens = Math.max(0, this.tokens - 1);
    this.wake();
  }

  private fail(key: string, now: number): void {
    const failures = this.failures.get(key);
    if (failures === undefined && this.failures.size >= this.limits.maxTracked) return; // not remembered: held to the global rate instead
    this.failures.delete(key); // set again at the end: the map stays ordered by last failure
    this.failures.set(key, { count: (failures?.count ?? 0) + 1, lastAt: now });
  }

  /** Lets the waiting checks that may run now run, and refuses those throttled meanwhile, in arrival order. */
  private wake(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const waiter = this.waiting[i] as Waiter;
      const decision = this.decide(waiter.keys);
      if (decision === "wait") {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      waiter.admit(decision);
    }
  }

  private freeFailures(key: string): number {
    return key.startsWith(LOGIN) ? this.limits.freeFailuresPerLogin : this.limits.freeFailuresPerAddress;
  }

  private backoff(beyondFree: number): number {
    return Math.min(this.limits.firstBackoffMs * 2 ** beyondFree, this.limits.maxBackoffMs);
  }

  private refill(now: number): void {
    const earned = ((now - this.tokensAt) * this.limits.globalFailuresPerSecond) / 1_000;
    this.tokens = Math.min(this.limits.globalFailureBurst, this.tokens + earned);
    this.tokensAt = now;
  }

  /** Forgives the keys whose last failure is older than the limit: they are at the front. */
  private forgetOld(now: number): void {
    for (const [key, failures] of this.failures) {
      if (now - failures.lastAt < this.limits.forgiveAfterMs) return;
      this.failures.delete(key);
    }
  }
}

const LOGIN = "login:";

/** A subject's key: its kind and a digest of its value, so a long login costs no more memory than a short one. */
function keyOf(subject: Subject): string {
  const [kind, value] = "login" in subject ? [LOGIN, subject.login] : ["address:", subject.address];
  return kind + createHash("sha256").update(value).digest("base64");
}
