import { constants, type Stats } from 'node:fs';

/** What `X-Docker-Container-Path-Stat` tells the docker CLI about a path in a container (Docker's ContainerPathStat). */
export interface PathStat {
  name: string;
  size: number;
  /** A Go `os.FileMode`: permission bits, with the type and set-id bits where Go keeps them. */
  mode: number;
  mtime: string;
  /** For a symlink, where it leads inside the container, fully resolved; empty otherwise. */
  linkTarget: string;
}

// Go's os.FileMode bits (io/fs).
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_NAMED_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHAR_DEVICE = 2 ** 21;
const GO_STICKY = 2 ** 20;

const GO_TYPE: Record<number, number> = {
  [constants.S_IFDIR]: GO_DIR,
  [constants.S_IFLNK]: GO_SYMLINK,
  [constants.S_IFBLK]: GO_DEVICE,
  [constants.S_IFCHR]: GO_DEVICE + GO_CHAR_DEVICE,
  [constants.S_IFIFO]: GO_NAMED_PIPE,
  [constants.S_IFSOCK]: GO_SOCKET,
};

/** A Unix `st_mode` as Go's `os.FileMode`, which the docker CLI reads (`IsDir()`, `ModeSymlink`). */
export function goFileMode(mode: number): number {
  let out = (mode & 0o777) + (GO_TYPE[mode & constants.S_IFMT] ?? 0);
  if (mode & 0o4000) out += GO_SETUID;
  if (mode & 0o2000) out += GO_SETGID;
  if (mode & 0o1000) out += GO_STICKY;
  return out;
}

export function pathStat(name: string, info: Stats, linkTarget = ''): PathStat {
  return { name, size: info.size, mode: goFileMode(info.mode), mtime: info.mtime.toISOString(), linkTarget };
}

/** The header value: base64 of the JSON. */
export function encodePathStat(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}
