// The protocol types the UI shares with the console's server and the SDK (types only: nothing
// of the server is bundled).
export type {
  Topic, WsClientMessage, WsServerMessage, WsServerMessageMap, WsLog, WsStats, WsEvent,
} from '../../../src/events/ws-messages';
export type { HostView } from '../../../src/hosts/host-view';
export type { RunRequest } from '../../../src/containers/run-request';
export type {
  ContainerSummary, ContainerInspect, ContainerStats, ImageSummary, ImageDeleteItem, Volume, Network,
  EventMessage, ProgressMessage, ContainerStatus,
} from '@berth/sdk';

export type Role = 'viewer' | 'operator' | 'admin';
export interface User { id: number; username: string; role: Role }
export interface UserRow extends User { created: string }
export interface AuditEntry { id: number; time: string; username: string; action: string; target: string; hostId: number | null; outcome: string; detail: string | null }
export interface RegistryView { id: number; name: string; url: string; username: string | null }
export interface ManifestView {
  digest: string; indexDigest: string | null; mediaType: string; size: number;
  config: { digest: string; size: number };
  layers: { digest: string; size: number; mediaType: string }[];
}

/** A merged list across hosts: every item carries its hostId; unreachable hosts are in `errors`. */
export interface Merged<T> {
  items: (T & { hostId: number })[];
  errors: { hostId: number; host: string; message: string }[];
}
