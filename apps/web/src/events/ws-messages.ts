// The console's WebSocket protocol (GET /api/ws, upgraded; the session cookie authenticates).
// The browser UI imports these types. Every message is one JSON text frame.
import type { ContainerStats, EventMessage, ProgressMessage, RegistryEvent } from '@berth/sdk';
import type { HostView } from '../hosts/host-view.js';
import type { RegistryStatus } from '../registries/registry-status.js';

export const WS_PATH = '/api/ws';

// ---- what a subscription follows ----

/** Engine events of one host, or of every host when hostId is absent. */
export interface EventsTopic { kind: 'events'; hostId?: number }
/** A container's log, followed. `tail`: only the last N existing lines (default 100). */
export interface LogsTopic { kind: 'logs'; hostId: number; container: string; tail?: number; timestamps?: boolean }
/** A container's stats, about one sample a second. */
export interface StatsTopic { kind: 'stats'; hostId: number; container: string }
/** Host status changes (up / unreachable). */
export interface HostsTopic { kind: 'hosts' }
/** Progress of an image pull started with the same operationId (POST /api/hosts/:hostId/images/pull). */
export interface ProgressTopic { kind: 'progress'; operationId: string }
/**
 * Pushes, pulls and deletes in one registry (GET /api/registries lists them), or in every
 * registry when registryId is absent (registries added later included); with the registries' status.
 */
export interface RegistryEventsTopic { kind: 'registry-events'; registryId?: number }
export type Topic = EventsTopic | LogsTopic | StatsTopic | HostsTopic | ProgressTopic | RegistryEventsTopic;
export type TopicKind = Topic['kind'];

// ---- browser → console ----

/** `id`: chosen by the browser, unique among its open subscriptions (1–128 characters). */
export interface WsSubscribe { type: 'subscribe'; id: string; topic: Topic }
export interface WsUnsubscribe { type: 'unsubscribe'; id: string }
/** Starts an exec session (operator or admin): a command in a running container, with a TTY. */
export interface WsExecStart { type: 'exec.start'; id: string; hostId: number; container: string; cmd: string[]; cols?: number; rows?: number }
/** Keystrokes for an exec session (UTF-8 text). */
export interface WsExecInput { type: 'exec.input'; id: string; data: string }
export interface WsExecResize { type: 'exec.resize'; id: string; cols: number; rows: number }
export interface WsExecClose { type: 'exec.close'; id: string }
export type WsClientMessage = WsSubscribe | WsUnsubscribe | WsExecStart | WsExecInput | WsExecResize | WsExecClose;

// ---- console → browser ----

export interface WsSubscribed { type: 'subscribed'; id: string }
export interface WsEvent { type: 'event'; id: string; hostId: number; event: EventMessage }
export interface WsLog { type: 'log'; id: string; hostId: number; stream: 'stdout' | 'stderr'; line: string; time?: string }
export interface WsStats { type: 'stats'; id: string; hostId: number; container: string; stats: ContainerStats }
export interface WsHost { type: 'host'; id: string; host: HostView | { id: number; removed: true } }
export interface WsProgress { type: 'progress'; id: string; operationId: string; message: ProgressMessage }
/** Something happened in a registry (a registry-events subscription). */
export interface WsRegistryEvent { type: 'registry-event'; id: string; registryId: number; event: RegistryEvent }
/**
 * A followed registry's status: sent when the subscription starts (for registries whose status
 * is known) and whenever it changes. `unreachable`: its event stream is being retried quietly.
 */
export interface WsRegistryStatus { type: 'registry-status'; id: string; registryId: number; status: RegistryStatus; lastError: string | null }
/** Exec session output (the TTY's bytes as UTF-8 text). */
export interface WsExecOutput { type: 'exec.output'; id: string; data: string }
/** The exec session ended; exitCode when known. */
export interface WsExecExit { type: 'exec.exit'; id: string; exitCode: number | null }
/** `lost` messages of this subscription were dropped (the browser or the engine fell behind). */
export interface WsGap { type: 'gap'; id: string; lost: number }
/** The subscription finished (the container is gone, the host or registry was removed); it is closed. */
export interface WsEnd { type: 'end'; id: string }
export interface WsUnsubscribed { type: 'unsubscribed'; id: string }
/** With id: about that subscription/session (then closed). Without: the message could not be understood. */
export interface WsError { type: 'error'; id?: string; code: string; message: string }
export type WsServerMessage =
  | WsSubscribed | WsEvent | WsLog | WsStats | WsHost | WsProgress | WsRegistryEvent | WsRegistryStatus
  | WsExecOutput | WsExecExit | WsGap | WsEnd | WsUnsubscribed | WsError;

/** Message type → message, for the UI's typed handlers. */
export type WsServerMessageMap = { [M in WsServerMessage as M['type']]: M };
