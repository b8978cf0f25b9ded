/** The runtime: OCI specs, conmon + runc processes, attach, exec and exit codes. */
export { attach, resize, AttachSession, type OutputChunk } from './attach.js';
export { CAPABILITY_NAMES, DEFAULT_CAPABILITIES, capabilityMask, capabilitiesFromMask } from './capabilities.js';
export { startConmon, conmonArgs, removeSocketLink, isConmonAlive, type ConmonOptions, type ConmonStarted } from './conmon.js';
export { execInContainer, execExitDir, ExecSession, type ExecOptions } from './exec.js';
export { buildExecProcess, type ExecProcessInput } from './exec-process.js';
export { readExitFile, waitExitFile } from './exit-file.js';
export { hostInfo, parseHostInfo, type HostInfo } from './host-info.js';
export type { OciSpec, OciProcess, OciMount, OciDevice, OciRlimit } from './oci-spec.js';
export { resolveInRoot, readFileInRoot } from './rootfs-path.js';
export { Runc, runtimeMessage, type RuncState } from './runc.js';
export { defaultSeccompProfile } from './seccomp.js';
export { buildSpec, DEFAULT_PATH, INIT_PATH, MASKED_PATHS, READONLY_PATHS, type SpecInput } from './spec.js';
export { resolveUser, type ResolvedUser } from './user.js';
