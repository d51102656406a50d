// OpenSSH known_hosts: parsing (plain, hashed |1|, @revoked, [host]:port) and host key checks.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export interface KnownHostEntry {
  readonly marker?: KnownHostMarker;
  /** Comma-separated host patterns as written, or the hashed form. */
  readonly hosts: { readonly hashed: { salt: Buffer; hash: Buffer } } | { readonly patterns: readonly string[] };
  readonly keyType: string;
  /** The key blob, base64 as written in the file. */
  readonly keyBase64: string;
  readonly file: string;
  /** 1-based line number, for messages. */
  readonly line: number;
}

export interface KnownHostsProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): { entries: KnownHostEntry[]; problems: KnownHostsProblem[] } {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostMarker | undefined;
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return void problems.push({ file, line: index + 1, message: `unknown marker ${m}` });
    }
    const [hostField, keyType, keyBase64] = fields;
    if (!hostField || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) {
      return void problems.push({ file, line: index + 1, message: 'expected: [marker] hosts key-type base64-key [comment]' });
    }
    let hosts: KnownHostEntry['hosts'];
    if (hostField.startsWith('|1|')) {
      const [, , salt, hash] = hostField.split('|');
      const saltBuf = Buffer.from(salt ?? '', 'base64');
      const hashBuf = Buffer.from(hash ?? '', 'base64');
      if (saltBuf.length !== 20 || hashBuf.length !== 20) {
        return void problems.push({ file, line: index + 1, message: 'malformed hashed host name' });
      }
      hosts = { hashed: { salt: saltBuf, hash: hashBuf } };
    } else {
      hosts = { patterns: hostField.split(',').filter((p) => p !== '') };
    }
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, keyBase64, file, line: index + 1 });
  });
  return { entries, problems };
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `|1|salt|hash` as OpenSSH writes with HashKnownHosts (HMAC-SHA1 keyed by the salt). */
export function hashKnownHostsName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

function patternToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Does the entry name this host? Negated patterns (`!pat`) veto a match. */
export function entryMatchesName(entry: KnownHostEntry, name: string): boolean {
  if ('hashed' in entry.hosts) {
    const { salt, hash } = entry.hosts.hashed;
    return timingSafeEqual(createHmac('sha1', salt).update(name).digest(), hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (patternToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Reads the key type string at the start of an SSH public key blob. */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:base64` without padding, as `ssh-keygen -l` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyStatus =
  | { readonly status: 'trusted'; readonly entry: KnownHostEntry }
  | { readonly status: 'revoked'; readonly entry: KnownHostEntry }
  | { readonly status: 'mismatch'; readonly entries: readonly KnownHostEntry[] }
  | { readonly status: 'unknown'; readonly otherKeyTypes: readonly string[] };

/**
 * Checks a presented host key the way OpenSSH does: a revoked key is refused anywhere; a key
 * of a type the host already has under a different value is a mismatch; a key type the host
 * has no entry for is unknown (the caller asks the user).
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyStatus {
  const name = knownHostsName(host, port);
  const keyBase64 = blob.toString('base64');
  const keyType = keyTypeOfBlob(blob);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBase64 === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => e.marker === undefined && entryMatchesName(e, name));
  const exact = forHost.find((e) => e.keyBase64 === keyBase64);
  if (exact) return { status: 'trusted', entry: exact };
  const sameType = forHost.filter((e) => e.keyType === keyType);
  if (sameType.length > 0) return { status: 'mismatch', entries: sameType };
  return { status: 'unknown', otherKeyTypes: [...new Set(forHost.map((e) => e.keyType))] };
}

/** Key types known for a host, to ask the server for one of those first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  return [...new Set(entries.filter((e) => e.marker === undefined && entryMatchesName(e, name)).map((e) => e.keyType))];
}

/** One known_hosts line for a trusted key (what the extension appends to its own store). */
export function formatKnownHostsLine(host: string, port: number, blob: Buffer, options: { hash?: boolean } = {}): string {
  const name = knownHostsName(host, port);
  const type = keyTypeOfBlob(blob) ?? 'unknown';
  return `${options.hash ? hashKnownHostsName(name) : name} ${type} ${blob.toString('base64')}`;
}
