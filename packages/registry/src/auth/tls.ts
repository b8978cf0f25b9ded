import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { RegistryError } from '../errors.js';

export interface TlsFiles {
  /** PEM certificate, leaf first, optionally followed by its chain. */
  certFile: string;
  /** PEM private key of the leaf (unencrypted). */
  keyFile: string;
}

/** What `https.createServer()` takes, plus the leaf's expiry for the caller to log or warn about. */
export interface TlsOptions {
  cert: Buffer;
  key: Buffer;
  notAfter: Date;
}

/** Reads and checks a certificate and its key; errors name the file and what to do. */
export async function loadTlsOptions(files: TlsFiles): Promise<TlsOptions> {
  const cert = await readPem(files.certFile, 'TLS certificate');
  const key = await readPem(files.keyFile, 'TLS key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (cause) {
    throw new RegistryError('INVALID_ARGUMENT', `TLS certificate ${files.certFile} is not a PEM certificate`, { cause });
  }
  const keyText = key.toString('latin1');
  if (keyText.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || keyText.includes('Proc-Type: 4,ENCRYPTED')) {
    throw new RegistryError('INVALID_ARGUMENT', `TLS key ${files.keyFile} is encrypted; give an unencrypted key (\`openssl pkey -in key.pem -out plain.pem\`)`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (cause) {
    throw new RegistryError('INVALID_ARGUMENT', `TLS key ${files.keyFile} is not a PEM private key`, { cause });
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new RegistryError(
      'INVALID_ARGUMENT',
      `TLS key ${files.keyFile} does not belong to the certificate ${files.certFile} (the first certificate in the file must be the leaf)`,
    );
  }
  try {
    createSecureContext({ cert, key });
  } catch (cause) {
    throw new RegistryError('INVALID_ARGUMENT', `TLS certificate ${files.certFile} and key ${files.keyFile} are not usable: ${(cause as Error).message}`, { cause });
  }
  return { cert, key, notAfter: new Date(leaf.validTo) };
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (cause as Error).message})`;
    throw new RegistryError('FAILED_PRECONDITION', `${what} ${file} ${why}`, { cause });
  }
}
