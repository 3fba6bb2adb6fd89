import { describe, expect, it, vi } from "vitest";

// Every hash and constant-time comparison the password check makes, recorded: the check must make the same ones
// whether or not the login exists, or the time of its answer tells which logins do.
const calls = vi.hoisted(() => ({ digests: [] as number[], comparisons: [] as [number, number][] }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    createHash: (algorithm: string) => {
      const hash = crypto.createHash(algorithm);
      const update = hash.update.bind(hash);
      return Object.assign(hash, {
        update: (data: string) => {
          calls.digests.push(Buffer.byteLength(data));
          return update(data);
        },
      });
    },
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.comparisons.push([a.byteLength, b.byteLength]);
      return crypto.timingSafeEqual(a, b);
    },
  };
});

// Test files may share a worker's modules (vitest runs without isolation): load this one afresh, with the mock.
vi.resetModules();
const { passwordVerifier } = await import("../../runtime/security/zap-policies.js");

describe("the table password check does the same work for unknown logins", () => {
  /** The work one check does: the hashes it computes (by input size class) and the comparisons it makes. */
  async function work(login: string, password: string) {
    calls.digests.length = 0;
    calls.comparisons.length = 0;
    const verify = passwordVerifier({ alice: "wonderland", admin: "correct horse battery staple" });
    const result = await verify(login, password);
    // A SHA-256 block holds 55 bytes of input: inputs that fit one block cost the same.
    return { result, blocks: calls.digests.map((bytes) => Math.floor((bytes + 8) / 64) + 1), comparisons: [...calls.comparisons] };
  }

  it("an unknown login hashes and compares as a known one with a wrong password does, and is refused", async () => {
    const known = await work("alice", "guess");
    const unknown = await work("nobody", "guess");
    expect(known).toEqual({ result: false, blocks: [1, 1], comparisons: [[32, 32]] });
    expect(unknown).toEqual(known);
    expect(await work("alice", "wonderland")).toEqual({ result: true, blocks: [1, 1], comparisons: [[32, 32]] });
  });

  it("refuses an unknown login whatever the password, even one equal to a real password or empty", async () => {
    for (const password of ["wonderland", "", "correct horse battery staple"]) expect((await work("nobody", password)).result).toBe(false);
    expect((await work("constructor", "")).result).toBe(false); // not a key of the table, though a property of every object
  });
});
