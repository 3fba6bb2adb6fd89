/**
 * pseud: typed, bidirectional RPC over ZeroMQ, speaking pseud protocol v1.
 * Every public export, by name; the protocol's internals (frames, codec,
 * Z85) have their own entry, `pseud/protocol`.
 *
 * The runtime's layers, lowest first; a module imports only from its own
 * layer or lower ones (test/runtime/layers.test.ts checks it):
 * errors.ts, logger.ts, rate-limited-logger.ts, limits.ts, validation.ts → protocol/ → transport/ → heartbeat/
 * → peer/ → security/ → events/ → the public faces (caller.ts, endpoint.ts, client.ts,
 * client-pool.ts, server.ts, service.ts, this file).
 */
export { type Caller, callArguments, type RemoteMethod, type RemoteProxy, remoteProxy } from "./caller.js";
export { Client, type ClientEvents, type ClientOptions } from "./client.js";
export { ClientPool, type ClientPoolEvents, type ClientPoolOptions } from "./client-pool.js";
export { type ContextRegisterOptions, Endpoint } from "./endpoint.js";
export {
  AbortedError,
  ClosedError,
  EncodeError,
  HandshakeError,
  InternalError,
  OverloadedError,
  PeerLostError,
  PSEUD_ERROR_CODES,
  ProtocolError,
  type ProtocolFault,
  PseudError,
  type PseudErrorCode,
  RemoteError,
  ServiceNotFoundError,
  TimeoutError,
  TooLargeError,
  UnauthorizedError,
  UnreachableError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { DEFAULT_EVENT_LIMITS, type EventLimits, type EventStats } from "./events/publisher.js";
export type { EventHandler } from "./events/subscriber.js";
export { DEFAULT_INTERVAL_MS, DEFAULT_MAX_MISSED, IntervalHeartbeat } from "./heartbeat/interval.js";
export type { HeartbeatHost, HeartbeatOptions, HeartbeatPlugin } from "./heartbeat/plugin.js";
export {
  DEFAULT_LIMITS,
  DEFAULT_MAX_BYTES_IN_FLIGHT,
  DEFAULT_MAX_BYTES_IN_FLIGHT_PER_PEER,
  DEFAULT_MAX_CALLS_IN_FLIGHT,
  DEFAULT_MAX_CALLS_IN_FLIGHT_PER_PEER,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_PENDING_CALLS,
  DEFAULT_MAX_QUEUED_MESSAGES,
  DEFAULT_RECEIVE_HIGH_WATER_MARK,
  DEFAULT_SEND_HIGH_WATER_MARK,
  type Limits,
  resolveLimits,
} from "./limits.js";
export { consoleLogger, type LogFields, type Logger, type LogLevel, silentLogger } from "./logger.js";
export { type CallContext, DEFAULT_DOMAIN, type Predicate } from "./peer/call-context.js";
export type { ContextHandler, Handler, RegisterOptions } from "./peer/registry.js";
export { type CallOptions, DEFAULT_REPLY_DEADLINE_MS, DEFAULT_TIMEOUT_MS, type LoadSnapshot, type PeerOptions } from "./peer/rpc-peer.js";
export { DEFAULT_LOG_BURST, DEFAULT_LOG_INTERVAL_MS, type LogRateLimit, MAX_LOG_FIELD_LENGTH } from "./rate-limited-logger.js";
export {
  DEFAULT_DECODE_LIMITS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_TEXT_BODY,
  type DecodeLimits,
} from "./protocol/decode-limits.js";
export { type ParamValidator, validateArguments, validatePayload, validateResult, type Validator } from "./validation.js";
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
export type { ClientPlugin, Hello, HelloVerdict, PluginName, ServerPlugin } from "./security/plugin.js";
export type { ClientMechanism, CurveKeys, ServerMechanism } from "./transport/mechanism.js";
export { type CurveClients, type PasswordCheck } from "./security/zap-policies.js";
export { type ZapDecision, type ZapPolicy, type ZapRequest } from "./security/zap-handler.js";
export {
  type EventDescriptor,
  type EventDescriptors,
  eventPublishers,
  eventSubscriptions,
  type MethodDescriptor,
  type MethodDescriptors,
  type Publisher,
  type Registrar,
  registerHandlers,
  type ServiceDescriptor,
  stubClass,
  type Subscriber,
} from "./service.js";
export { type PeerCaller, type PeerInfo, type PublishOptions, Server, type ServerEvents, type ServerOptions } from "./server.js";
