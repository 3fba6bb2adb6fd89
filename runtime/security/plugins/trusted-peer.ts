import { credentialText } from "../credentials.js";
import type { ServerPlugin } from "../plugin.js";
import { plainAnyPassword } from "../zap-policies.js";

/** Server options of `trusted_peer`. */
export interface TrustedPeerServerOptions {
  readonly plugin: "trusted_peer";
}

/**
 * `trusted_peer`: ZMTP PLAIN whose password is not checked; the login is
 * trusted as the identity. As in the reference: only for networks where every
 * peer is trusted. The client half is `plain`'s.
 */
export function trustedPeerServer(): ServerPlugin {
  return {
    name: "trusted_peer",
    mechanism: { plain: true },
    zap: plainAnyPassword,
    binding: "pseud-clients",
    async verifyHello({ login }) {
      const name = credentialText(login);
      return name === "" ? undefined : name;
    },
    close() {},
  };
}
