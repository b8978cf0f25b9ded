export {
  ERROR_CODES, HTTP_STATUS, isErrorCode, SdkError, NotFoundError, UnauthorizedError, DigestMismatchError, isSdkError,
  BadRequestError, ConflictError, ServerError, ProgressError, BuildError,
} from './errors.js';
export type { ErrorCode, SdkErrorOptions } from './errors.js';
export { API_VERSION, MIN_API_VERSION } from './protocol/system.js';
export type { VersionResponse, InfoResponse, SystemDataUsageResponse } from './protocol/system.js';
export { CONTAINER_ACTIONS, IMAGE_ACTIONS } from './protocol/events.js';
export type { EventMessage, EventType } from './protocol/events.js';
export { STREAM_PATH } from './protocol/stream.js';
export type {
  StreamFilters, EventsStreamRequest, LogsStreamRequest, StatsStreamRequest, StreamRequest, StreamKind,
  SubscribeMessage, UnsubscribeMessage, StreamClientMessage, SubscribedMessage, EventStreamMessage,
  LogStreamMessage, StatsStreamMessage, GapMessage, EndMessage, UnsubscribedMessage, ErrorStreamMessage,
  StreamServerMessage,
} from './protocol/stream.js';
export type {
  ContainerConfig, HostConfig, RestartPolicy, ContainerCreateRequest, ContainerCreateResponse,
  ContainerStatus, ContainerState, MountPoint, ContainerSummary, ContainerInspect,
  ContainerWaitResponse, ContainerTopResponse, ContainerPruneResponse,
  ExecCreateRequest, ExecStartRequest, ExecInspect,
} from './protocol/containers.js';
export type {
  ContainerStats, CpuStats, NetworkStats, BlkioStatEntry, ContainerUpdateResponse,
} from './protocol/stats.js';
export type {
  Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse, MountType, Mount,
} from './protocol/volumes.js';
export type {
  IpamConfig, Network, NetworkContainer, NetworkCreateRequest, EndpointSettings, NetworkConnectRequest,
  NetworkDisconnectRequest, NetworkPruneResponse,
} from './protocol/networks.js';
export type {
  ImageRuntimeConfig, ImageHistoryEntry, OciImageConfig, ImageSummary, ImageInspect, ImageInspectConfig,
  ImageHistoryItem, ImageDeleteItem, ImagePruneResponse, ProgressMessage,
} from './protocol/images.js';
export { REGISTRY_EVENTS_PATH, REGISTRY_SSE_EVENTS, REGISTRY_EVENTS_KEEPALIVE_SECONDS } from './protocol/registry-events.js';
export type { RegistryAction, RegistryEvent } from './protocol/registry-events.js';
export { MEDIA_TYPES, MANIFEST_MEDIA_TYPES, isImageIndex, isIndexMediaType } from './protocol/manifests.js';
export type {
  ManifestMediaType, Platform, Descriptor, ImageManifest, ImageIndex, ManifestDocument,
} from './protocol/manifests.js';

export {
  DEFAULT_DOMAIN, DEFAULT_TAG, FULL_ID, parseDigest, isDigest, parseReference, withDefaultTag, parseRepoTag,
  familiarName, familiarString, fullName, normalizeReference, parseRegistryHost, resolveReference, parseTag,
} from './registry/reference.js';
export type { ImageReference, ResolveOptions } from './registry/reference.js';
export { RegistryClient } from './registry/client.js';
export type { RegistryClientOptions, CallOptions, PingResult, BlobDescriptor } from './registry/client.js';
export type { Credentials, CredentialSource } from './registry/credentials.js';
export type { TlsOptions } from './registry/http-transport.js';
export type { BlobData, PushBlobOptions, PushBlobResult } from './registry/blob-upload.js';
export type { FetchedManifest, ManifestUpload } from './registry/manifests.js';
export { MANIFEST_LIMIT, parseManifest } from './registry/manifests.js';
export type { ListOptions } from './registry/listing.js';
export type { RegistryEventsOptions } from './registry/event-stream.js';
export { DEFAULT_PLATFORM, parsePlatform, formatPlatform, selectPlatform } from './registry/platform.js';
export type { BlobSink, BlobSource, PullOptions, PushOptions, TransferOptions } from './registry/image-transfer.js';
export type { TransferEvent } from './registry/transfer-events.js';
export { parseWwwAuthenticate } from './registry/www-authenticate.js';
export type { AuthChallenge } from './registry/www-authenticate.js';
export { digestOf } from './registry/digest.js';

export { EngineClient } from './engine/engine-client.js';
export type { EngineClientOptions, EngineEnv, AuthRequest } from './engine/engine-client.js';
export { parseEngineHost, DEFAULT_UNIX_SOCKET } from './engine/engine-host.js';
export type { EngineAddress, EngineTlsOptions } from './engine/engine-host.js';
export type { CallOptions as EngineCallOptions, Filters } from './engine/call-options.js';
export type { OutputFrame } from './engine/frame-demux.js';
export type { DuplexHandle } from './engine/duplex-handle.js';
export type { ProgressHandle } from './engine/progress-handle.js';
export type { RegistryAuth } from './engine/registry-auth.js';
export type {
  ContainersApi, ContainerFilterKey, ContainerListQuery, StopQuery, LogsQuery, AttachQuery, ContainerUpdateRequest, PathStat,
} from './engine/containers-api.js';
export type { ExecApi } from './engine/exec-api.js';
export type { ImagesApi, ImageFilterKey, BuildQuery } from './engine/images-api.js';
export type { VolumesApi, VolumeFilterKey } from './engine/volumes-api.js';
export type { NetworksApi, NetworkFilterKey } from './engine/networks-api.js';
export type { SystemApi, EventFilterKey, EventsQuery, PingResult as EnginePingResult } from './engine/system-api.js';
export type { NativeStream } from './engine/native-stream.js';

export { humanDuration } from './format/human-duration.js';
export { EarlyWriteback } from './files/early-writeback.js';
export { BoundedSender, type BoundedSenderOptions, type SenderSocket } from './streams/bounded-sender.js';
