import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync, watch, type FSWatcher } from "node:fs";
import { type GuessLimiter, THROTTLED } from "./guess-limiter.js";
import { type KeyInput, keyText } from "./keys.js";
import type { ZapDecision, ZapPolicy, ZapRequest } from "./zap-handler.js";

/** Lets any CURVE key in; the user id is the key itself (who it is gets bound by HELLO). */
export const allowAnyCurveKey: ZapPolicy = (request) =>
  request.mechanism === "CURVE" ? { allow: true, userId: request.publicKey } : { allow: false, reason: `expected CURVE, got ${request.mechanism}` };

/** Client public keys by login. */
export type CurveClients = Readonly<Record<string, KeyInput>>;

/**
 * An allow-list of client public keys: an object of login → key, or a file
 * of `login key` lines (`#` comments), re-read when it changes. A key not on
 * the list is refused; an allowed key's user id is its login.
 */
export class CurveAllowList {
  private byKey = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly source: CurveClients | { readonly file: string }) {
    this.reload();
    if ("file" in source && typeof source.file === "string") {
      // A change event can come while the file is half written, and later ones may be coalesced into it:
      // read the file once it has been quiet for a moment.
      this.watcher = watch(source.file, () => {
        clearTimeout(this.pending);
        this.pending = setTimeout(() => {
          try {
            this.reload();
          } catch {
            // a malformed file: keep the last good list; the next change reloads
          }
        }, 50);
      });
    }
  }

  /** Reads the list again (the file, or the object as it is now). Throws on a malformed entry, keeping the old list. */
  reload(): void {
    const entries = "file" in this.source && typeof this.source.file === "string" ? parseClientsFile(this.source.file) : Object.entries(this.source as CurveClients);
    const next = new Map<string, string>();
    for (const [login, key] of entries) next.set(keyText(key, `public key of ${login}`), login);
    this.byKey = next;
  }

  /** The login whose public key this is. */
  loginOf(publicKey: string): string | undefined {
    return this.byKey.get(publicKey);
  }

  /** The public key of a login (Z85). */
  keyOf(login: string): string | undefined {
    for (const [key, name] of this.byKey) if (name === login) return key;
    return undefined;
  }

  readonly policy: ZapPolicy = (request: ZapRequest): ZapDecision => {
    if (request.mechanism !== "CURVE") return { allow: false, reason: `expected CURVE, got ${request.mechanism}` };
    const login = this.byKey.get(request.publicKey);
    return login === undefined ? { allow: false, reason: "unknown CURVE key" } : { allow: true, userId: login };
  };

  close(): void {
    clearTimeout(this.pending);
    this.watcher?.close();
  }
}

/**
 * `login key` per line. Z85 keys may contain '#', so comments go by field:
 * a line whose first field starts with '#' is a comment, and so is anything
 * after the key.
 */
function parseClientsFile(file: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const [i, line] of readFileSync(file, "utf8").split("\n").entries()) {
    const [login, key, ...rest] = line.trim().split(/\s+/).filter((field) => field !== "");
    if (login === undefined || login.startsWith("#")) continue;
    if (key === undefined || (rest.length > 0 && !rest[0]?.startsWith("#"))) throw new Error(`${file}:${i + 1}: expected "login key"`);
    entries.push([login, key]);
  }
  return entries;
}

/**
 * Checks a login and password: a table of passwords, or any function of the
 * two. A function must take as long for a login that does not exist as for
 * one that does (compare with a dummy secret), or its answer times tell which
 * logins exist.
 */
export type PasswordCheck = Readonly<Record<string, string>> | ((login: string, password: string) => boolean | Promise<boolean>);

/**
 * Turns a {@link PasswordCheck} into one function. A table lookup does the
 * same work whether the login exists or not: an unknown login's password is
 * compared, in constant time, with a random secret no password matches.
 */
export function passwordVerifier(check: PasswordCheck): (login: string, password: string) => Promise<boolean> {
  if (typeof check === "function") return async (login, password) => (await check(login, password)) === true;
  const noSuchLogin = randomBytes(32).toString("base64");
  return async (login, password) => {
    const expected = Object.hasOwn(check, login) ? check[login] : undefined;
    const known = typeof expected === "string";
    const equal = constantTimeEqual(known ? expected : noSuchLogin, password);
    return known && equal;
  };
}

/** PLAIN with a password check, its guesses limited per login and per address; the user id is the login. */
export function plainPasswords(check: PasswordCheck, limiter: GuessLimiter): ZapPolicy {
  const verify = passwordVerifier(check);
  return async (request) => {
    if (request.mechanism !== "PLAIN") return { allow: false, reason: `expected PLAIN, got ${request.mechanism}` };
    const { username, password, address } = request;
    const right = await limiter.check([{ login: username }, { address }], () => verify(username, password));
    if (right === THROTTLED) return { allow: false, reason: `too many failed attempts for user ${JSON.stringify(username)} or address ${address}; retry later` };
    return right ? { allow: true, userId: username } : { allow: false, reason: `wrong password or unknown user ${JSON.stringify(username)}` };
  };
}

/** PLAIN trusting the login whatever the password (the reference's trusted_peer: for networks you do trust). */
export const plainAnyPassword: ZapPolicy = (request) =>
  request.mechanism === "PLAIN" ? { allow: true, userId: request.username } : { allow: false, reason: `expected PLAIN, got ${request.mechanism}` };

/** Equal strings, compared in constant time (their hashes, so lengths do not leak either). */
function constantTimeEqual(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
