import { describe, expect, it } from "vitest";
import { Client, type ClientSecurity, KeyError, Server, type ServerSecurity, silentLogger } from "pseud";
import { KEYS } from "./secured.js";

// Each value as plain JavaScript could pass it: the casts stand for code the types never saw.
const server = (security: unknown) => new Server("svc", { logger: silentLogger, security: security as ServerSecurity });
const client = (security: unknown) => new Client("svc", { logger: silentLogger, security: security as ClientSecurity });

/** A HELLO check that believes anyone is admin. */
const claimAdmin = async (): Promise<string> => "admin";

/** An object with every method of the server plugin interface: a custom plugin, as JavaScript could pass one. */
const customServerPlugin = {
  name: "plain",
  mechanism: {},
  zap: () => ({ allow: true, userId: "anyone" }),
  binding: "everyone",
  verifyHello: claimAdmin,
  close() {},
};

describe("security configs: anything but a complete known config throws at construction (never runs unsecured)", () => {
  it.each([
    ["null", null, /^security: expected \{ plugin: "none" \| "plain" \| "trusted_peer" \| "trusted_curve" \| "untrusted_curve", …options \}; got null$/],
    ["a plugin name as a string", "plain", /got "plain"$/],
    ["an array", [], /got an array$/],
    ["an empty object", {}, /^security\.plugin: expected one of .* \(custom plugin objects are not supported\); got undefined$/],
    ["an unknown plugin name", { plugin: "custom" }, /got "custom"$/],
    ["a custom plugin object", customServerPlugin, /custom plugin objects are not supported/],
    ["a lone verifyHello", { verifyHello: claimAdmin }, /custom plugin objects are not supported/],
    ["plain without users", { plugin: "plain" }, /^security: plain needs the option "users"$/],
    ["plain with users null", { plugin: "plain", users: null }, /^security\.users: expected passwords by login/],
    ["plain with a password that is not a string", { plugin: "plain", users: { alice: 1 } }, /^security\.users: expected passwords by login/],
    ["plain with a verifyHello of its own", { plugin: "plain", users: { alice: "wonderland" }, verifyHello: claimAdmin }, /^security: plain takes no option "verifyHello" \(it takes users, guessLimits\)$/],
    ["trusted_peer with users (it checks no password)", { plugin: "trusted_peer", users: { alice: "wonderland" } }, /^security: trusted_peer takes no option "users"$/],
    ["trusted_curve without clients", { plugin: "trusted_curve", keyPair: KEYS.server }, /needs the option "clients"/],
    ["trusted_curve with clients as a string", { plugin: "trusted_curve", keyPair: KEYS.server, clients: "clients.txt" }, /^security\.clients: expected public keys by login/],
    ["untrusted_curve without a key pair", { plugin: "untrusted_curve", users: { alice: "wonderland" } }, /needs the option "keyPair"/],
    ["untrusted_curve with a key pair that is a string", { plugin: "untrusted_curve", keyPair: "server.key", users: {} }, /^security\.keyPair: expected \{ publicKey, secretKey \}/],
    ["none with options", { plugin: "none", users: {} }, /^security: none takes no option "users"$/],
    ["an unknown guessing limit", { plugin: "plain", users: {}, guessLimits: { freeFailures: 3 } }, /^security\.guessLimits: unknown limit "freeFailures"$/],
    ["a negative guessing limit", { plugin: "untrusted_curve", keyPair: KEYS.server, users: {}, guessLimits: { maxBackoffMs: -1 } }, /^security\.guessLimits\.maxBackoffMs: expected a finite number ≥ 0$/],
  ])("server: %s", (_case, security, message) => {
    expect(() => server(security)).toThrow(TypeError);
    expect(() => server(security)).toThrow(message);
  });

  it.each([
    ["null", null, /got null$/],
    ["a plugin name as a string", "plain", /got "plain"$/],
    ["an empty object", {}, /custom plugin objects are not supported/],
    ["a custom plugin object", { name: "plain", mechanism: {}, hello: () => ["alice", "wonderland"] }, /custom plugin objects are not supported/],
    ["plain without a password", { plugin: "plain", login: "alice" }, /^security: plain needs the option "password"$/],
    ["plain with a password that is not a string", { plugin: "plain", login: "alice", password: 42 }, /^security\.password: expected a string; got 42$/],
    ["plain with an empty password (libzmq's bare EINVAL before)", { plugin: "plain", login: "alice", password: "" }, /^security\.password: ZMTP PLAIN needs 1 to 255 bytes; got 0$/],
    ["trusted_peer with a login over 255 bytes", { plugin: "trusted_peer", login: "é".repeat(128), password: "x" }, /^security\.login: ZMTP PLAIN needs 1 to 255 bytes; got 256$/],
    ["trusted_curve without the server key", { plugin: "trusted_curve", keyPair: KEYS.alice }, /needs the option "serverKey"/],
    ["untrusted_curve without a login", { plugin: "untrusted_curve", keyPair: KEYS.alice, serverKey: KEYS.server.publicKey, password: "x" }, /needs the option "login"/],
    ["a server option on a client", { plugin: "plain", login: "alice", password: "wonderland", users: {} }, /^security: plain takes no option "users"/],
  ])("client: %s", (_case, security, message) => {
    expect(() => client(security)).toThrow(TypeError);
    expect(() => client(security)).toThrow(message);
  });

  it("a key pair of the wrong shape is a KeyError naming the key", () => {
    expect(() => server({ plugin: "trusted_curve", keyPair: { publicKey: KEYS.server.publicKey }, clients: {} })).toThrow(KeyError);
  });

  it("no security: the option left out, or { plugin: 'none' }", async () => {
    for (const security of [undefined, { plugin: "none" }]) {
      await server(security).close();
      await client(security).close();
    }
  });
});
