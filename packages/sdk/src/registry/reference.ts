import { SdkError } from '../errors.js';

/**
 * Docker image references, parsed and normalised the way the docker CLI and dockerd do
 * (distribution/reference: `ParseNormalizedNamed`, `FamiliarString`, `TagNameOnly`).
 */
export interface ImageReference {
  /** Registry host with optional port; `docker.io` for Docker Hub. */
  domain: string;
  /** Repository path inside the registry; `library/x` for Hub official images. */
  path: string;
  tag?: string;
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_MAX = 255;

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${domainAndPort})/)?(${pathComponent}(?:/${pathComponent})*)$`);
const ANCHORED_DOMAIN = new RegExp(`^${domainAndPort}$`);
const TAG = new RegExp(`^${tagPattern}$`);
/** A full image ID without its algorithm: 64 lowercase hex characters. */
export const FULL_ID = /^[a-f0-9]{64}$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(message: string): SdkError {
  return new SdkError('INVALID_ARGUMENT', message);
}

/** Validates `algorithm:hex` the way go-digest does; returns the digest or throws. */
export function parseDigest(value: string): string {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw invalid('invalid checksum digest format');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = DIGEST_LENGTHS[algorithm];
  if (length === undefined) throw invalid(`unsupported digest algorithm: ${algorithm}`);
  if (!/^[a-f0-9]+$/.test(hex)) throw invalid('invalid checksum digest format');
  if (hex.length !== length) throw invalid('invalid checksum digest length');
  return value;
}

/** Validates a tag (`[\w][\w.-]{0,127}`); returns it or throws INVALID_ARGUMENT. */
export function parseTag(value: string): string {
  if (!TAG.test(value)) throw invalid(`invalid tag format: ${JSON.stringify(value)}`);
  return value;
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

/** The registry host a name starts with, if any: a first component with a dot, a port, `localhost` or capitals. */
function explicitDomain(name: string): string | undefined {
  const i = name.indexOf('/');
  if (i === -1) return undefined;
  const first = name.slice(0, i);
  return /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first ? first : undefined;
}

/** Splits `name` into registry domain and remote path as Docker does for short names. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const first = explicitDomain(name);
  let domain = first ?? DEFAULT_DOMAIN;
  let remainder = first === undefined ? name : name.slice(first.length + 1);
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * Parses a user-supplied reference (`alpine`, `user/app:1`, `localhost:5000/x@sha256:…`)
 * into its fully qualified parts. No implicit tag is added; see {@link withDefaultTag}.
 */
export function parseReference(input: string): ImageReference {
  if (input === '') throw invalid('invalid reference format: repository name must have at least one component');
  if (FULL_ID.test(input)) {
    throw invalid(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalid(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const full = `${domain}/${remainder}`;
  const m = REFERENCE.exec(full);
  if (!m) {
    if (REFERENCE.test(full.toLowerCase())) throw invalid('invalid reference format: repository name must be lowercase');
    throw invalid('invalid reference format');
  }
  const name = m[1]!;
  if (name.length > NAME_MAX) throw invalid(`invalid reference format: repository name must not be more than ${NAME_MAX} characters`);
  const parts = ANCHORED_NAME.exec(name);
  const ref: ImageReference = { domain: parts?.[1] ?? domain, path: parts?.[2] ?? name };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = parseDigest(m[3]);
  return ref;
}

/** `TagNameOnly`: a reference with neither tag nor digest gets `latest`. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** Parses and sets the tag (replacing one given in `repo`), as `docker tag` and import do. */
export function parseRepoTag(repo: string, tag?: string): ImageReference {
  const ref = parseReference(repo);
  if (ref.digest !== undefined) throw invalid(`cannot tag with a digest reference: ${repo}`);
  if (tag === undefined || tag === '') return withDefaultTag(ref);
  if (!TAG.test(tag)) throw invalid(`invalid tag format: ${JSON.stringify(tag)}`);
  return { ...ref, tag };
}

/** The short repository name users see: `alpine`, `user/app`, `localhost:5000/app`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return `${ref.domain}/${ref.path}`;
  if (ref.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** `name[:tag][@digest]` in the short form; this is how tags are stored and shown. */
export function familiarString(ref: ImageReference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The fully qualified name (`docker.io/library/alpine`), as registries need it. */
export function fullName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** Parses a stored or user reference and returns its normalised short form with default tag. */
export function normalizeReference(input: string): string {
  return familiarString(withDefaultTag(parseReference(input)));
}

export interface ResolveOptions {
  /** Registry host (`127.0.0.1:5000`) for references that name none; there is no implicit Docker Hub. */
  defaultRegistry?: string;
}

/** Checks a registry host as given to `--default-registry`: `host[:port]`, no scheme or path. */
export function parseRegistryHost(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw invalid(`invalid registry "${value}": give host[:port] without a scheme, e.g. 127.0.0.1:5000`);
  }
  if (!ANCHORED_DOMAIN.test(value)) throw invalid(`invalid registry "${value}": expected host[:port], e.g. 127.0.0.1:5000`);
  return value === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : value;
}

/**
 * The reference to pull or push: its own registry host, else `defaultRegistry` (the name is
 * then taken as a path in that registry, without Docker Hub's `library/`); `latest` when it has
 * neither tag nor digest.
 */
export function resolveReference(input: string, options: ResolveOptions = {}): ImageReference {
  if (input === '' || FULL_ID.test(input) || explicitDomain(input) !== undefined) return withDefaultTag(parseReference(input));
  if (options.defaultRegistry === undefined) {
    throw invalid(
      `reference "${input}" names no registry and no default registry is set: ` +
        'use a full reference such as 127.0.0.1:5000/team/app:v1, or set --default-registry',
    );
  }
  return withDefaultTag(parseReference(`${parseRegistryHost(options.defaultRegistry)}/${input}`));
}
