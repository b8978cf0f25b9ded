export { ERROR_CODES, HTTP_STATUS, isErrorCode } from './errors.js';
export type { ErrorCode } from './errors.js';
export { API_VERSION, MIN_API_VERSION } from './protocol/system.js';
export type { VersionResponse, InfoResponse } from './protocol/system.js';
export { CONTAINER_ACTIONS, IMAGE_ACTIONS } from './protocol/events.js';
export type { EventMessage, EventType } from './protocol/events.js';
export type {
  ContainerConfig, HostConfig, RestartPolicy, ContainerCreateRequest, ContainerCreateResponse,
  ContainerStatus, ContainerState, MountPoint, ContainerSummary, ContainerInspect,
  ContainerWaitResponse, ContainerTopResponse, ContainerPruneResponse,
  ExecCreateRequest, ExecStartRequest, ExecInspect,
} from './protocol/containers.js';
export type {
  ImageRuntimeConfig, ImageHistoryEntry, OciImageConfig, ImageSummary, ImageInspect, ImageInspectConfig,
  ImageHistoryItem, ImageDeleteItem, ImagePruneResponse, ProgressMessage,
} from './protocol/images.js';
