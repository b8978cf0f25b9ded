import { readFile } from 'node:fs/promises';
import { RegistryError } from '../errors.js';
import { REPOSITORY_ACTIONS, type AccessEntry, type RepositoryAction } from './access.js';

/**
 * Who may do what. The file is JSON:
 *
 * ```json
 * {
 *   "users": {
 *     "alice": [{ "repository": "*", "actions": ["*"] }, { "catalog": true }],
 *     "ci":    [{ "repository": "team/*", "actions": ["pull", "push"] }]
 *   },
 *   "authenticated": [{ "repository": "${user}/*", "actions": ["pull", "push", "delete"] }],
 *   "anonymous":     [{ "repository": "public/*", "actions": ["pull"] }]
 * }
 * ```
 *
 * A user gets the union of their own rules, `authenticated` (every logged-in user) and
 * `anonymous` (everyone). In a repository glob `*` matches any run of characters, `/`
 * included (`team/*` covers `team/web` and `team/web/api`, not `team`); `?` matches one
 * character other than `/`; `${user}` stands for the user's name. `"*"` in actions means all three.
 */
export interface Permissions {
  /** The subset of `actions` that `user` (null: anonymous) has on repository `repository`. */
  allowed(user: string | null, repository: string, actions: readonly string[]): RepositoryAction[];
  /** The part of `access` granted to `user`, for any resource type (`registry:catalog:*` too). */
  grant(user: string | null, access: AccessEntry): AccessEntry;
}

export interface PermissionRule {
  repository?: string;
  actions?: (RepositoryAction | '*')[];
  catalog?: boolean;
}

export interface PermissionsConfig {
  users?: Record<string, PermissionRule[]>;
  authenticated?: PermissionRule[];
  anonymous?: PermissionRule[];
}

interface CompiledRule {
  glob: string | undefined;
  actions: RepositoryAction[];
  catalog: boolean;
}

/** The default without a permissions file: every authenticated user may do everything, anonymous nothing. */
export const AUTHENTICATED_FULL_ACCESS: Permissions = permissionsFrom({
  authenticated: [{ repository: '*', actions: ['*'] }, { catalog: true }],
});

/** Reads and validates a permissions file; errors name the file and the offending entry. */
export async function loadPermissions(file: string): Promise<Permissions> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RegistryError('FAILED_PRECONDITION', `cannot read permissions file ${file}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new RegistryError('INVALID_ARGUMENT', `permissions file ${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parsePermissions(json, file);
}

/** Validates a parsed permissions document (see {@link Permissions} for its shape). */
export function parsePermissions(json: unknown, source = 'permissions'): Permissions {
  if (!isObject(json)) throw invalid(source, 'the document must be a JSON object');
  for (const key of Object.keys(json)) {
    if (!['users', 'authenticated', 'anonymous'].includes(key)) {
      throw invalid(source, `unknown key "${key}" (expected users, authenticated, anonymous)`);
    }
  }
  const config: PermissionsConfig = {};
  if (json.users !== undefined) {
    if (!isObject(json.users)) throw invalid(source, '"users" must be an object of user name → rules');
    config.users = {};
    for (const [user, rules] of Object.entries(json.users)) config.users[user] = checkRules(rules, `users.${user}`, source);
  }
  if (json.authenticated !== undefined) config.authenticated = checkRules(json.authenticated, 'authenticated', source);
  if (json.anonymous !== undefined) config.anonymous = checkRules(json.anonymous, 'anonymous', source);
  return permissionsFrom(config);
}

function permissionsFrom(config: PermissionsConfig): Permissions {
  const users = new Map(Object.entries(config.users ?? {}).map(([u, rules]) => [u, rules.map(compile)]));
  const authenticated = (config.authenticated ?? []).map(compile);
  const anonymous = (config.anonymous ?? []).map(compile);
  const rulesFor = (user: string | null): CompiledRule[] =>
    user === null ? anonymous : [...(users.get(user) ?? []), ...authenticated, ...anonymous];

  const allowed = (user: string | null, repository: string, actions: readonly string[]): RepositoryAction[] => {
    const granted = new Set<RepositoryAction>();
    for (const rule of rulesFor(user)) {
      if (rule.glob !== undefined && globMatches(rule.glob, repository, user)) for (const a of rule.actions) granted.add(a);
    }
    return REPOSITORY_ACTIONS.filter((a) => actions.includes(a) && granted.has(a));
  };
  const grant = (user: string | null, access: AccessEntry): AccessEntry => {
    let actions: string[] = [];
    if (access.type === 'repository') actions = allowed(user, access.name, access.actions);
    else if (access.type === 'registry' && access.name === 'catalog' && rulesFor(user).some((r) => r.catalog)) {
      actions = access.actions.filter((a) => a === '*');
    }
    return { type: access.type, name: access.name, actions };
  };
  return { allowed, grant };
}

function compile(rule: PermissionRule): CompiledRule {
  const actions = rule.actions ?? [];
  return {
    glob: rule.repository,
    actions: actions.includes('*') ? [...REPOSITORY_ACTIONS] : (actions as RepositoryAction[]),
    catalog: rule.catalog === true,
  };
}

/** Whether repository `name` matches `glob` (`*` any run including `/`, `?` one non-`/`, `${user}`). */
export function globMatches(glob: string, name: string, user: string | null = null): boolean {
  const parts = glob.split('${user}');
  if (parts.length > 1 && user === null) return false;
  const source = parts.map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '[^/]'));
  const userPattern = (user ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${source.join(userPattern)}$`).test(name);
}

function checkRules(value: unknown, where: string, source: string): PermissionRule[] {
  if (!Array.isArray(value)) throw invalid(source, `"${where}" must be a list of rules`);
  return value.map((rule, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(rule)) throw invalid(source, `${at} must be an object`);
    for (const key of Object.keys(rule)) {
      if (!['repository', 'actions', 'catalog'].includes(key)) throw invalid(source, `${at}: unknown key "${key}"`);
    }
    if (rule.catalog !== undefined && typeof rule.catalog !== 'boolean') throw invalid(source, `${at}.catalog must be true or false`);
    if (rule.repository === undefined) {
      if (rule.catalog !== true) throw invalid(source, `${at} needs "repository" (a glob) or "catalog": true`);
      if (rule.actions !== undefined) throw invalid(source, `${at}: "actions" applies only with "repository"`);
      return { catalog: true };
    }
    if (typeof rule.repository !== 'string' || rule.repository === '') throw invalid(source, `${at}.repository must be a non-empty glob`);
    if (!Array.isArray(rule.actions) || rule.actions.length === 0) {
      throw invalid(source, `${at}.actions must be a non-empty list of pull, push, delete or *`);
    }
    for (const a of rule.actions) {
      if (a !== '*' && !(REPOSITORY_ACTIONS as readonly unknown[]).includes(a)) {
        throw invalid(source, `${at}: unknown action ${JSON.stringify(a)} (expected pull, push, delete or *)`);
      }
    }
    return { repository: rule.repository, actions: rule.actions as PermissionRule['actions'], catalog: rule.catalog === true };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(source: string, why: string): RegistryError {
  return new RegistryError('INVALID_ARGUMENT', `${source}: ${why}`);
}
