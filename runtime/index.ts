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
export {
  DEFAULT_LOG_BURST,
  DEFAULT_LOG_INTERVAL_MS,
  type LimiterClock,
  type LogRateLimit,
  MAX_LOG_FIELD_LENGTH,
  rateLimitedLogger,
  SUPPRESSED_MESSAGE,
} from "./rate-limited-logger.js";
export { decodeValue, encodeValue, MAX_RETAINED_ENCODE_BUFFER } from "./protocol/codec.js";
export {
  DEFAULT_DECODE_LIMITS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_TEXT_BODY,
  type DecodeLimits,
} from "./protocol/decode-limits.js";
export { type Credential, type Decoded, decodeFrames, encodeMessage, type Failure, type Message, type Work } from "./protocol/frames.js";
export { newMessageId } from "./protocol/message-id.js";
export { MESSAGE_TYPES, type MessageType } from "./protocol/message-types.js";
export { type ParamValidator, validateArguments, validateResult, type Validator } from "./validation.js";
export { type ClientSecurity, type ServerSecurity } from "./security/config.js";
export { generateKeyPair, type KeyInput, KeyError, type KeyPair, type KeyPairInput, loadKey, loadKeyPair } from "./security/keys.js";
export type { ClientMechanism, ClientPlugin, Hello, PluginName, ServerMechanism, ServerPlugin } from "./security/plugin.js";
export { type CurveClients, type PasswordCheck } from "./security/zap-policies.js";
export { type ZapDecision, type ZapPolicy, type ZapRequest } from "./security/zap-handler.js";
export { z85Decode, z85Encode } from "./security/z85.js";
export { type PeerCaller, type PeerInfo, Server, type ServerEvents, type ServerOptions } from "./server.js";
