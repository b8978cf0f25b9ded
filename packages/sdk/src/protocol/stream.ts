/**
 * Berth's native stream: one WebSocket to berthd carrying any number of subscriptions
 * (events, a container's logs, stats), each under an id the client chooses.
 * Every frame is one JSON text message of the types below.
 */
import type { ErrorCode } from '../errors.js';
import type { EventMessage } from './events.js';
import type { ContainerStats } from './stats.js';

/** The WebSocket path on berthd's API listeners (also served under a version prefix, e.g. `/v1.50/berth/v1/stream`). */
export const STREAM_PATH = '/berth/v1/stream';

/** Docker-style filters: key → accepted values (`{ type: ['container'], label: ['app=web'] }`). */
export type StreamFilters = Record<string, string[]>;

/** Engine events, replayed from the history after `since` (a cursor from an earlier `event` message), then live. */
export interface EventsStreamRequest {
  kind: 'events';
  /** Replay events with a cursor greater than this one; absent: live events only. */
  since?: number;
  /** The same keys and semantics as `GET /events` (type, event, container, image, label, network, volume, daemon). */
  filters?: StreamFilters;
}

/** A container's log, stdout and stderr kept apart. */
export interface LogsStreamRequest {
  kind: 'logs';
  /** Container id, id prefix or name. */
  container: string;
  /** Keep the stream open and send new lines as they are written (default false: ends after the existing log). */
  follow?: boolean;
  /** Only the last N lines of the existing log (default: all). */
  tail?: number;
  /** Include each line's time (RFC3339Nano) (default false). */
  timestamps?: boolean;
  /** Which streams to send (both default true). */
  stdout?: boolean;
  stderr?: boolean;
}

/** Stats of one or many containers, one sample per container about every second. */
export interface StatsStreamRequest {
  kind: 'stats';
  /** Container ids, id prefixes or names. */
  containers: string[];
}

export type StreamRequest = EventsStreamRequest | LogsStreamRequest | StatsStreamRequest;
export type StreamKind = StreamRequest['kind'];

// ---- client → berthd ----

export interface SubscribeMessage {
  type: 'subscribe';
  /** Client-chosen, unique among this connection's open subscriptions (1–128 characters). */
  id: string;
  stream: StreamRequest;
}

export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id: string;
}

export type StreamClientMessage = SubscribeMessage | UnsubscribeMessage;

// ---- berthd → client ----

/** The subscription is open; data follows. */
export interface SubscribedMessage {
  type: 'subscribed';
  id: string;
}

export interface EventStreamMessage {
  type: 'event';
  id: string;
  /** Position in berthd's event history; pass it as `since` to resume after this event. */
  cursor: number;
  event: EventMessage;
}

export interface LogStreamMessage {
  type: 'log';
  id: string;
  stream: 'stdout' | 'stderr';
  /** The line without its trailing newline (a partial line when the container wrote one). */
  line: string;
  /** RFC3339Nano, when `timestamps` was asked for. */
  time?: string;
}

export interface StatsStreamMessage {
  type: 'stats';
  id: string;
  /** Full container id. */
  container: string;
  stats: ContainerStats;
}

/** `lost` messages of this subscription were dropped because the client (or the connection) fell behind. */
export interface GapMessage {
  type: 'gap';
  id: string;
  lost: number;
}

/** The subscription finished on berthd's side (a log without follow was sent, the container is gone); it is closed. */
export interface EndMessage {
  type: 'end';
  id: string;
}

/** Unsubscribe confirmed; nothing more arrives under this id. */
export interface UnsubscribedMessage {
  type: 'unsubscribed';
  id: string;
}

/**
 * Something failed; the connection stays open either way. With `id`, it concerns that
 * subscription only: a subscribe that failed (NOT_FOUND for a container that does not exist,
 * INVALID_ARGUMENT for a bad filter) or a running subscription that broke, which is then closed;
 * ALREADY_EXISTS means the id is in use and leaves the open subscription as it is. Without `id`,
 * the client's message could not be understood (not JSON, unknown type, missing fields).
 */
export interface ErrorStreamMessage {
  type: 'error';
  id?: string;
  code: ErrorCode;
  message: string;
}

export type StreamServerMessage =
  | SubscribedMessage
  | EventStreamMessage
  | LogStreamMessage
  | StatsStreamMessage
  | GapMessage
  | EndMessage
  | UnsubscribedMessage
  | ErrorStreamMessage;
