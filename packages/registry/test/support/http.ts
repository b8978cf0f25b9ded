import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
  /** The first error code of an OCI error body. */
  code(): string | undefined;
  header(name: string): string | undefined;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[] | number>;
  body?: Buffer | string | Readable | Iterable<Buffer> | AsyncIterable<Buffer>;
  /** Basic credentials. */
  auth?: { user: string; password: string };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const tlsAgent = new https.Agent({ keepAlive: true, maxSockets: 256, rejectUnauthorized: false });

/**
 * A plain HTTP client for black-box tests (node:http, so status codes, headers and odd bodies
 * arrive exactly as sent; a response that comes before the body is fully sent is still read).
 */
export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const headers: Record<string, string | string[] | number> = { ...options.headers };
  if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
  const body = options.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = Buffer.byteLength(body);
  }
  return new Promise<Reply>((resolve, reject) => {
    const req = client.request(target, { method: options.method ?? 'GET', headers, agent: target.protocol === 'https:' ? tlsAgent : agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(reply(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      const source = body instanceof Readable ? body : Readable.from(body);
      source.on('error', (err) => req.destroy(err));
      source.pipe(req);
    }
  });
}

function reply(status: number, headers: IncomingHttpHeaders, body: Buffer): Reply {
  return {
    status,
    headers,
    body,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
    code: () => {
      try {
        return (JSON.parse(body.toString('utf8')) as { errors?: { code: string }[] }).errors?.[0]?.code;
      } catch {
        return undefined;
      }
    },
    header: (name) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
