import { describe, expect, it } from "vitest";
import type { ClientSecurity, ServerSecurity } from "pseud";
import { asTrustedCurve, KEYS, securedClient, securedServer, trustedCurveServer } from "./secured.js";

const cases: [string, ServerSecurity, ClientSecurity][] = [
  ["plain", { plugin: "plain", users: { alice: "wonderland" } }, { plugin: "plain", login: "alice", password: "wonderland" }],
  ["trusted_curve", trustedCurveServer, asTrustedCurve("alice")],
  [
    "untrusted_curve",
    { plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland" } },
    { plugin: "untrusted_curve", keyPair: KEYS.mallory, serverKey: KEYS.server.publicKey, login: "alice", password: "wonderland" },
  ],
];

describe("concurrent first calls share one authentication", () => {
  for (const count of [20, 200]) {
    it.each(cases)(`%s: ${count} calls made right after connect all succeed`, async (_name, serverSecurity, clientSecurity) => {
      const { endpoint } = await securedServer(serverSecurity);
      const client = securedClient(endpoint, clientSecurity, 10_000);
      const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => client.call("echo", [i])));
      const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      expect(results.map((r) => (r.status === "fulfilled" ? r.value : undefined))).toEqual(Array.from({ length: count }, (_, i) => i));
    });
  }
});
