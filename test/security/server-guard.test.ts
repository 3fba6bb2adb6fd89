import { describe, expect, it } from "vitest";
import { type ServerPlugin, silentLogger } from "pseud";
import { type Message, newMessageId } from "pseud/protocol";
import { type Envelope, type PeerControl, REFUSED } from "../../runtime/peer/guard.js";
import { THROTTLED } from "../../runtime/security/guess-limiter.js";
import { challengeOf } from "../../runtime/security/prompt.js";
import { MAX_PENDING_HELLOS, ServerGuard } from "../../runtime/security/server-guard.js";
import { allowAnyCurveKey } from "../../runtime/security/zap-policies.js";
import { deferred, RecordingLogger } from "../helpers.js";

/**
 * The server's guard without a socket: what it answers, whom it binds, and
 * the races of a HELLO whose check is slow (the plugin's verdict is a
 * promise the test settles).
 */
type Verdict = Awaited<ReturnType<ServerPlugin["verifyHello"]>>;

function guarded(binding: ServerPlugin["binding"] = "everyone") {
  const sent: [string, Message][] = [];
  const checks: { login: string; challenge: Uint8Array; settle: (verdict: Verdict) => void }[] = [];
  const bound: [string, string][] = [];
  const plugin: ServerPlugin = {
    name: "untrusted_curve",
    mechanism: {},
    zap: allowAnyCurveKey,
    binding,
    verifyHello: (hello) => {
      const verdict = deferred<Verdict>();
      checks.push({ login: String(hello.login), challenge: hello.challenge, settle: verdict.resolve });
      return verdict.promise;
    },
    close() {},
  };
  const peer: PeerControl = { send: (envelope, message) => sent.push([envelope[0].toString(), message]), resend: () => false, fail: () => false };
  const logger = new RecordingLogger();
  const guard = new ServerGuard(plugin, peer, logger, (id, identity) => bound.push([id.toString(), identity]));
  return { guard, sent, checks, bound, logger };
}

const envelopeOf = (id: string): Envelope => [Buffer.from(id), Buffer.alloc(0)];
const hello = (login: string) => ({ type: "HELLO" as const, id: newMessageId(), login, password: "pw" });
const work = () => ({ type: "WORK" as const, id: newMessageId(), work: { method: "m", args: [], kwargs: {} } });
/** Lets the guard's chained HELLO checks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("ServerGuard", () => {
  it("refuses WORK from a peer that must authenticate with UNAUTHORIZED carrying its connection's challenge, then serves it as its identity", async () => {
    const { guard, sent, checks, bound } = guarded();
    const envelope = envelopeOf("a");
    expect(guard.admitWork(envelope, work())).toBe(REFUSED);
    const [[to, prompt]] = sent as [[string, Message]];
    expect([to, prompt.type]).toEqual(["a", "UNAUTHORIZED"]);
    guard.control(envelope, hello("alice"));
    await settle();
    expect(Buffer.from(checks[0]?.challenge ?? []).equals(Buffer.from(challengeOf((prompt as { text: string }).text)))).toBe(true);
    checks[0]?.settle("alice");
    await settle();
    expect(sent[1]?.[1]).toMatchObject({ type: "AUTHENTICATED", text: "Welcome b'alice'" });
    expect(bound).toEqual([["a", "alice"]]);
    expect(guard.admitWork(envelope, work())).toBe("alice");
    expect(guard.routingIdOf("alice")?.toString()).toBe("a");
  });

  it("serves a peer ZAP let in that does not speak HELLO anonymously where only pseud clients must bind; prompts pseud clients on connect", () => {
    const { guard, sent } = guarded("pseud-clients");
    expect(guard.admitWork(envelopeOf("reference"), work())).toBeUndefined();
    guard.connected(Buffer.from("pseud:abc"));
    guard.connected(Buffer.from("reference"));
    expect(sent.map(([to, m]) => [to, m.type])).toEqual([["pseud:abc", "UNAUTHORIZED"]]);
  });

  it("a HELLO whose connection goes while it is checked binds no one, even if a newcomer took the routing id meanwhile", async () => {
    const { guard, sent, checks, bound, logger } = guarded();
    guard.control(envelopeOf("a"), hello("alice"));
    await settle();
    guard.disconnected(Buffer.from("a"));
    guard.connected(Buffer.from("a")); // a newcomer under the same routing id
    checks[0]?.settle("alice");
    await settle();
    expect(bound).toEqual([]);
    expect(sent).toEqual([]);
    expect(guard.admitWork(envelopeOf("a"), work())).toBe(REFUSED);
    expect(logger.lines.some((l) => l.message.startsWith("HELLO result dropped"))).toBe(true);
  });

  it("checks one HELLO at a time per connection; once bound, a second is refused unchecked", async () => {
    const { guard, sent, checks } = guarded();
    guard.control(envelopeOf("a"), hello("alice"));
    guard.control(envelopeOf("a"), hello("mallory"));
    await settle();
    expect(checks.map((c) => c.login)).toEqual(["alice"]); // the second waits for the first
    checks[0]?.settle("alice");
    await settle();
    await settle();
    expect(checks).toHaveLength(1); // never checked: its answer would tell whether mallory's password is right
    expect(sent.map(([, m]) => (m as { text: string }).text)).toEqual(["Welcome b'alice'", "Authentication Error: already authenticated as alice"]);
  });

  it("answers bad credentials and a throttled login apart, and binds nothing", async () => {
    const { guard, sent, checks, bound } = guarded();
    guard.control(envelopeOf("a"), hello("alice"));
    await settle();
    checks[0]?.settle(undefined);
    await settle();
    guard.control(envelopeOf("a"), hello("alice"));
    await settle();
    checks[1]?.settle(THROTTLED);
    await settle();
    expect(sent.map(([, m]) => [m.type, (m as { text: string }).text])).toEqual([
      ["UNAUTHORIZED", "Authentication Error"],
      ["UNAUTHORIZED", "Authentication Error: too many failed attempts; retry later"],
    ]);
    expect(bound).toEqual([]);
  });

  it(`holds at most ${MAX_PENDING_HELLOS} HELLOs per connection; a flood beyond is dropped and logged once`, async () => {
    const { guard, checks, logger } = guarded();
    for (let i = 0; i < 100; i++) guard.control(envelopeOf("a"), hello(`user${i}`));
    for (let i = 0; i < MAX_PENDING_HELLOS; i++) {
      await settle();
      checks[i]?.settle(undefined);
    }
    await settle();
    expect(checks).toHaveLength(MAX_PENDING_HELLOS);
    expect(logger.lines.filter((l) => l.message.startsWith("HELLO flood"))).toHaveLength(1);
  });

  it("forgets a binding when its connection goes", async () => {
    const { guard, checks } = guarded();
    guard.control(envelopeOf("a"), hello("alice"));
    await settle();
    checks[0]?.settle("alice");
    await settle();
    guard.disconnected(Buffer.from("a"));
    expect(guard.routingIdOf("alice")).toBeUndefined();
    expect(guard.admitWork(envelopeOf("a"), work())).toBe(REFUSED);
  });
});
