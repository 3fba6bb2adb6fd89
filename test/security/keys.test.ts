import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { curveKeyPair } from "zeromq";
import { describe, expect, it } from "vitest";
import { generateKeyPair, KeyError, loadKey, loadKeyPair } from "pseud";
import { z85Decode, z85Encode } from "pseud/protocol";
import { runCli, tempProject } from "../compiler/temp-project.js";

describe("CURVE keys", () => {
  it("encode and decode Z85 as ZeroMQ RFC 32 says", () => {
    const bytes = Uint8Array.of(0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b);
    expect(z85Encode(bytes)).toBe("HelloWorld");
    expect(z85Decode("HelloWorld")).toEqual(bytes);
    expect(z85Decode("Hello")).toBeDefined();
    expect(z85Decode("Hell~")).toBeUndefined();
  });

  it("load from Z85 text, raw bytes or a file, agreeing with libzmq's key pairs", () => {
    const pair = curveKeyPair();
    const raw = loadKey(pair.publicKey, "k");
    expect(raw).toHaveLength(32);
    expect(loadKey(raw, "k")).toEqual(raw);
    const dir = tempProject({ "k.pub": `${pair.publicKey}\n` });
    expect(loadKey(join(dir, "k.pub"), "k")).toEqual(raw);
    expect(loadKeyPair(pair, "libzmq pair").publicKey).toBe(pair.publicKey);
    const ours = generateKeyPair();
    expect(loadKeyPair(ours, "ours").secretKey).toBe(ours.secretKey);
  });

  it.each([
    ["31 bytes", new Uint8Array(31), "server public key: 31 bytes; a CURVE key is 32 bytes"],
    ["not Z85", "~".repeat(40), "server public key: 40 characters but not Z85 text"],
    ["too short", "abc", `server public key: "abc" is neither a key file nor 40 characters of Z85 text`],
  ] as const)("refuse a malformed key (%s), naming it", (_label, input, message) => {
    expect(() => loadKey(input, "server public key")).toThrow(new KeyError(message));
  });

  it("refuse a key file that holds no key, and a pair whose halves do not belong together", () => {
    const dir = tempProject({ "bad.key": "not a key\n" });
    expect(() => loadKey(join(dir, "bad.key"), "client secret key")).toThrow(/client secret key: .*bad\.key does not hold a Z85 key/);
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(() => loadKeyPair({ publicKey: a.publicKey, secretKey: b.secretKey }, "server key pair")).toThrow(
      "server key pair: the public key does not belong to the secret key",
    );
  });
});

describe("pseud keys", () => {
  it("writes name.key (mode 0600) and name.pub, and refuses to overwrite without --force", async () => {
    const dir = tempProject({});
    const first = await runCli(dir, ["keys", "server"]);
    expect(first).toMatchObject({ code: 0, stdout: "wrote server.key (secret, mode 0600) and server.pub\n" });
    expect(statSync(join(dir, "server.key")).mode & 0o777).toBe(0o600);
    const pair = loadKeyPair({ publicKey: join(dir, "server.pub"), secretKey: join(dir, "server.key") }, "written pair");
    expect(pair.publicKey).toHaveLength(40);
    const again = await runCli(dir, ["keys", "server"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("use --force to overwrite");
    expect(readFileSync(join(dir, "server.pub"), "utf8").trim()).toBe(pair.publicKey);
    writeFileSync(join(dir, "server.key"), "x", { mode: 0o644 });
    expect((await runCli(dir, ["keys", "server", "--force"])).code).toBe(0);
    expect(statSync(join(dir, "server.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "server.pub"), "utf8").trim()).not.toBe(pair.publicKey);
    expect((await runCli(dir, ["keys"])).code).toBe(2);
  });
});

describe("the client allow-list file", () => {
  it("keeps keys that contain '#' (a Z85 character) and drops only real comments", async () => {
    const { CurveAllowList } = await import("../../runtime/security/zap-policies.js");
    let key = generateKeyPair().publicKey;
    while (!key.includes("#")) key = generateKeyPair().publicKey; // about one key in three has one
    expect(z85Decode(key)).toBeDefined();
    const dir = tempProject({ "clients.txt": `# the team\nalice ${key}   # Alice's laptop\n\n` });
    const list = new CurveAllowList({ file: join(dir, "clients.txt") });
    expect(list.loginOf(key)).toBe("alice");
    list.close();
  });
});
