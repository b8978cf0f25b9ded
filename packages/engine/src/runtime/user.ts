import { EngineError } from '../errors.js';
import { readFileInRoot } from './rootfs-path.js';

/** The numeric identity a container process runs as. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

const MAX_ID = 2 ** 31 - 1;

function isNumeric(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

function toId(s: string, what: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n > MAX_ID) {
    throw new EngineError('INVALID_ARGUMENT', `${what} ${s} is out of range`);
  }
  return n;
}

function parsePasswd(text: string | null): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name = '', , uid = '', gid = ''] = line.split(':');
    if (isNumeric(uid) && isNumeric(gid)) out.push({ name, uid: Number(uid), gid: Number(gid) });
  }
  return out;
}

function parseGroup(text: string | null): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name = '', , gid = '', list = ''] = line.split(':');
    if (!isNumeric(gid)) continue;
    out.push({ name, gid: Number(gid), members: list.split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

/**
 * Resolve a Docker `User` ("", "0", "root", "1000:1000", "name", "name:group", "uid:group")
 * against the image's /etc/passwd and /etc/group, as runc's GetExecUser does. Supplementary
 * groups come from /etc/group membership when no group is given. Files are read without
 * ever leaving `rootfs`.
 */
export async function resolveUser(rootfs: string, userSpec: string): Promise<ResolvedUser> {
  const colon = userSpec.indexOf(':');
  const userArg = colon < 0 ? userSpec : userSpec.slice(0, colon);
  const groupArg = colon < 0 ? '' : userSpec.slice(colon + 1);

  const passwd = parsePasswd(await readFileInRoot(rootfs, '/etc/passwd'));
  const match = passwd.find((u) =>
    userArg === '' ? u.uid === 0 : isNumeric(userArg) ? u.uid === Number(userArg) : u.name === userArg,
  );
  let uid = 0;
  let gid = 0;
  let matchedName: string | undefined;
  if (match) {
    ({ uid, gid } = match);
    matchedName = match.name;
  } else if (userArg !== '') {
    if (!isNumeric(userArg)) {
      throw new EngineError('INVALID_ARGUMENT', `unable to find user ${userArg}: no matching entries in passwd file`);
    }
    uid = toId(userArg, 'uid');
  }

  const additionalGids: number[] = [];
  if (groupArg !== '' || matchedName !== undefined) {
    const groups = parseGroup(await readFileInRoot(rootfs, '/etc/group'));
    if (groupArg !== '') {
      const group = groups.find((g) => (isNumeric(groupArg) ? g.gid === Number(groupArg) : g.name === groupArg));
      if (group) {
        gid = group.gid;
      } else if (isNumeric(groupArg)) {
        gid = toId(groupArg, 'gid');
      } else {
        throw new EngineError('INVALID_ARGUMENT', `unable to find group ${groupArg}: no matching entries in group file`);
      }
    } else {
      for (const group of groups) {
        if (group.members.includes(matchedName!) && !additionalGids.includes(group.gid)) {
          additionalGids.push(group.gid);
        }
      }
    }
  }
  return { uid, gid, additionalGids };
}
