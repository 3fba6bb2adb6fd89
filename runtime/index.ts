/**
 * pseud: typed, bidirectional RPC over ZeroMQ, speaking pseud protocol v1.
 * Every public export, by name.
 */
export { type Caller, type RemoteMethod, type RemoteProxy, remoteProxy } from "./caller.js";
export { Client, type ClientEvents, type ClientOptions } from "./client.js";
export { type ContextRegisterOptions, Endpoint } from "./endpoint.js";
export {
  AbortedError,
  ClosedError,
  EncodeError,
  HandshakeError,
  PeerLostError,
  PSEUD_ERROR_CODES,
  ProtocolError,
  type ProtocolFault,
  PseudError,
  type PseudErrorCode,
  RemoteError,
  ServiceNotFoundError,
  TimeoutError,
  UnauthorizedError,
  UnreachableError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { DEFAULT_INTERVAL_MS, DEFAULT_MAX_MISSED, IntervalHeartbeat } from "./heartbeat/interval.js";
export type { HeartbeatHost, HeartbeatOptions, HeartbeatPlugin } from "./heartbeat/plugin.js";
export { consoleLogger, type LogFields, type Logger, type LogLevel, silentLogger } from "./logger.js";
export { type CallContext, DEFAULT_DOMAIN, type Predicate } from "./peer/call-context.js";
export type { ContextHandler, Handler, RegisterOptions } from "./peer/registry.js";
export { type CallOptions, DEFAULT_TIMEOUT_MS, type PeerOptions } from "./peer/rpc-peer.js";
export { decodeValue, encodeValue } from "./protocol/codec.js";
export { type Credential, type Decoded, decodeFrames, encodeMessage, type Failure, type Message, type Work } from "./protocol/frames.js";
export { newMessageId } from "./protocol/message-id.js";
export { MESSAGE_TYPES, type MessageType } from "./protocol/message-types.js";
export { type ParamValidator, validateArguments, validateResult, type Validator } from "./validation.js";
export { type ClientSecurity, type ServerSecurity } from "./security/config.js";
export {
  DEFAULT_GUESS_LIMITS,
  FIRST_BACKOFF_MS,
  FORGIVE_AFTER_MS,
  FREE_FAILURES_PER_ADDRESS,
  FREE_FAILURES_PER_LOGIN,
  GLOBAL_FAILURE_BURST,
  GLOBAL_FAILURES_PER_SECOND,
  type GuessLimits,
  MAX_BACKOFF_MS,
  MAX_TRACKED,
  MAX_WAITING_CHECKS,
} from "./security/guess-limiter.js";
export { generateKeyPair, type KeyInput, KeyError, type KeyPair, type KeyPairInput, loadKey, loadKeyPair } from "./security/keys.js";
export type { ClientMechanism, ClientPlugin, Hello, HelloVerdict, PluginName, ServerMechanism, ServerPlugin } from "./security/plugin.js";
export { type CurveClients, type PasswordCheck } from "./security/zap-policies.js";
export { type ZapDecision, type ZapPolicy, type ZapRequest } from "./security/zap-handler.js";
export { z85Decode, z85Encode } from "./security/z85.js";
export { type PeerCaller, type PeerInfo, Server, type ServerEvents, type ServerOptions } from "./server.js";
