// Commands on a node over one reused SSH connection (ssh2): host keys checked, channels in parallel.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Client, utils, type AnyAuthMethod, type AuthenticationType, type ClientChannel, type ParsedKey } from 'ssh2';
import { ConcurrencyLimit, type CommandResult, type CommandRunner, type RunOptions } from './runner';
import { toShellLine, withSudo } from './command-line';
import { RemoteError } from './errors';
import { checkHostKey, fingerprintSha256, formatKnownHostsLine, keyTypeOfBlob, knownKeyTypes, parseKnownHosts, type KnownHostEntry } from './known-hosts';
import { endpointLabel, type SshEndpoint } from './ssh-config';

export interface HostKeyPrompt {
  readonly alias: string;
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
  /** The line to append to a known_hosts store when the user trusts the key. */
  readonly knownHostsLine: string;
  /** Key types known_hosts already holds for this host (a different type was offered). */
  readonly otherKeyTypes: readonly string[];
}

/** How the runner talks to a person (the extension's prompts, or the CLI's flags). */
export interface SshInteraction {
  /** An unknown host key: resolve true to trust it for this connection (the caller stores it). */
  trustHostKey(prompt: HostKeyPrompt): Promise<boolean>;
  /** Passphrase of an encrypted identity file; undefined to skip the key. */
  passphrase?(keyFile: string, attempt: number): Promise<string | undefined>;
  password?(label: string): Promise<string | undefined>;
  keyboardInteractive?(label: string, instructions: string, prompts: readonly { prompt: string; echo: boolean }[]): Promise<string[] | undefined>;
  log?(message: string): void;
}

export interface SshRunnerOptions {
  readonly endpoint: SshEndpoint;
  readonly interaction: SshInteraction;
  /** Prefix every command with `sudo -n --`. */
  readonly sudo?: boolean;
  /** Extra known_hosts files, e.g. the extension's own store of keys the user trusted. */
  readonly extraKnownHostsFiles?: readonly string[];
  /** Channels open at once on the connection (sshd's MaxSessions defaults to 10). */
  readonly maxParallel?: number;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
}

const GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;
type HostKeyAlgorithm = (typeof DEFAULT_HOST_KEY_ALGORITHMS)[number];

/** A live connection: the target client and the jump clients it rides on. */
interface Connection {
  readonly client: Client;
  readonly jumps: Client[];
  closed: boolean;
}

class ConnectionDropped extends Error {}
/** The server refused a new channel, typically MaxSessions reached while closed channels are still being torn down. */
class ChannelRefused extends Error {}

const CHANNEL_RETRY_DELAYS_MS = [10, 30, 100, 300, 1000];

export class SshRunner implements CommandRunner {
  readonly label: string;
  private readonly limit: ConcurrencyLimit;
  private current: Promise<Connection> | undefined;
  private currentConnection: Connection | undefined;
  private readonly parsedKeys = new Map<string, ParsedKey | null>();

  constructor(private readonly options: SshRunnerOptions) {
    this.label = endpointLabel(options.endpoint);
    this.limit = new ConcurrencyLimit(options.maxParallel ?? 8);
  }

  /** Connects now (otherwise the first command does). */
  async connect(): Promise<void> {
    await this.connection();
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const line = toShellLine(this.options.sudo ? withSudo(argv) : argv);
    return this.limit.run(async () => {
      let channelRetries = 0;
      for (let attempt = 0; ; attempt++) {
        if (options.signal?.aborted) throw new RemoteError('cancelled', 'cancelled', this.label);
        const conn = await this.connection();
        try {
          return await this.exec(conn, line, argv, options);
        } catch (err) {
          if (err instanceof ChannelRefused) {
            const delay = CHANNEL_RETRY_DELAYS_MS[channelRetries++];
            if (delay === undefined) throw new RemoteError('command-failed', `${this.label}: the server keeps refusing new channels (${err.message}); lower the parallelism`, this.label);
            await new Promise((r) => setTimeout(r, delay));
            attempt--;
            continue;
          }
          if (!(err instanceof ConnectionDropped)) throw err;
          this.drop(conn);
          // Commands are read-only, so running one again on a fresh connection is safe.
          if (attempt >= 1) throw new RemoteError('connection-lost', `${this.label}: the connection dropped twice while running ${argv[0]}`, this.label);
          this.options.interaction.log?.(`${this.label}: connection dropped, reconnecting`);
        }
      }
    });
  }

  async dispose(): Promise<void> {
    const pending = this.current;
    this.current = undefined;
    this.currentConnection = undefined;
    if (!pending) return;
    try {
      this.close(await pending);
    } catch {
      // A connection that never came up has nothing to close.
    }
  }

  private connection(): Promise<Connection> {
    if (!this.current) {
      const attempt = this.openChain();
      this.current = attempt;
      attempt.then(
        (conn) => {
          const onGone = () => {
            conn.closed = true;
            if (this.current === attempt) this.current = undefined;
          };
          this.currentConnection = conn;
          conn.client.once('close', onGone);
          for (const j of conn.jumps) j.once('close', onGone);
          if (conn.closed) onGone();
        },
        () => {
          if (this.current === attempt) this.current = undefined;
        },
      );
    }
    return this.current;
  }

  private drop(conn: Connection): void {
    // Forget it now: its 'close' event may come later than the next command.
    if (this.currentConnection === conn) {
      this.current = undefined;
      this.currentConnection = undefined;
    }
    this.close(conn);
  }

  private close(conn: Connection): void {
    conn.closed = true;
    conn.client.end();
    for (const j of [...conn.jumps].reverse()) j.end();
  }

  private async openChain(): Promise<Connection> {
    const hops = [...this.options.endpoint.proxyJump, this.options.endpoint];
    const clients: Client[] = [];
    try {
      let sock: Readable | undefined;
      for (let i = 0; i < hops.length; i++) {
        const hop = hops[i]!;
        if (i > 0) sock = await forwardOut(clients[i - 1]!, hop, endpointLabel(hops[i - 1]!));
        clients.push(await this.connectOne(hop, sock));
      }
    } catch (err) {
      for (const c of clients.reverse()) c.end();
      throw err;
    }
    return { client: clients[clients.length - 1]!, jumps: clients.slice(0, -1), closed: false };
  }

  private loadKnownHosts(hop: SshEndpoint): KnownHostEntry[] {
    const entries: KnownHostEntry[] = [];
    for (const file of [...hop.userKnownHostsFiles, ...GLOBAL_KNOWN_HOSTS, ...(this.options.extraKnownHostsFiles ?? [])]) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const parsed = parseKnownHosts(text, file);
      for (const p of parsed.problems) this.options.interaction.log?.(`${p.file}:${p.line}: ${p.message}`);
      entries.push(...parsed.entries);
    }
    return entries;
  }

  private connectOne(hop: SshEndpoint, sock: Readable | undefined): Promise<Client> {
    const label = endpointLabel(hop);
    const knownHosts = this.loadKnownHosts(hop);
    const preferred = knownKeyTypes(knownHosts, hop.hostName, hop.port).flatMap(algorithmsForKeyType);
    const hostKeyAlgorithms = [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
    const connectTimeoutMs = this.options.connectTimeoutMs ?? hop.connectTimeoutMs ?? 15_000;
    const client = new Client();
    client.setMaxListeners(64); // one 'close' listener per channel in flight
    let failure: RemoteError | undefined;
    const tried: string[] = [];

    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      // The connect timer stops while a person is answering a prompt.
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          fail(new RemoteError('timeout', `${label}: no SSH connection within ${Math.round(connectTimeoutMs / 1000)} s (host down or port filtered?)`, label));
          client.end();
          (client as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
        }, connectTimeoutMs);
      };
      const prompting = async <T>(ask: () => Promise<T>): Promise<T> => {
        clearTimeout(timer);
        try {
          return await ask();
        } finally {
          if (!settled) arm();
        }
      };
      const fail = (err: RemoteError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };

      client.on('ready', () => {
        if (settled) return client.end();
        // Small request/reply packets: without this, Nagle + delayed ACKs add ~40 ms per round trip.
        client.setNoDelay(true);
        settled = true;
        clearTimeout(timer);
        resolve(client);
      });
      client.on('error', (err: Error & { code?: string; level?: string }) => {
        fail(failure ?? mapConnectError(err, hop, tried));
      });
      client.on('close', () => {
        fail(failure ?? new RemoteError('connection-lost', `${label}: connection closed during the SSH handshake`, label));
      });

      const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
        const status = checkHostKey(knownHosts, hop.hostName, hop.port, key);
        const fingerprint = fingerprintSha256(key);
        const keyType = keyTypeOfBlob(key) ?? 'unknown';
        if (status.status === 'trusted') return verify(true);
        if (status.status === 'revoked') {
          failure = new RemoteError(
            'host-key-revoked',
            `${label}: the host key ${keyType} ${fingerprint} is marked @revoked in ${status.entry.file}:${status.entry.line}; refusing to connect`,
            label,
          );
          return verify(false);
        }
        if (status.status === 'mismatch') {
          const where = status.entries.map((e) => `${e.file}:${e.line}`).join(', ');
          failure = new RemoteError(
            'host-key-mismatch',
            `${label}: HOST KEY MISMATCH: the server offered ${keyType} ${fingerprint}, but known_hosts (${where}) holds a different ${keyType} key for it. Someone may be intercepting the connection, or the host was reinstalled. Refusing to connect; remove the old key only if you know why it changed.`,
            label,
          );
          return verify(false);
        }
        const prompt: HostKeyPrompt = {
          alias: hop.alias,
          host: hop.hostName,
          port: hop.port,
          keyType,
          fingerprint,
          knownHostsLine: formatKnownHostsLine(hop.hostName, hop.port, key),
          otherKeyTypes: status.otherKeyTypes,
        };
        prompting(() => this.options.interaction.trustHostKey(prompt)).then(
          (trusted) => {
            if (!trusted) {
              failure = new RemoteError(
                'host-key-untrusted',
                `${label}: unknown host key ${keyType} ${fingerprint} was not trusted; refusing to connect`,
                label,
              );
            }
            verify(trusted === true);
          },
          (err: unknown) => {
            failure = new RemoteError('host-key-untrusted', `${label}: host key check failed: ${(err as Error).message}`, label);
            verify(false);
          },
        );
      };

      const methods = this.authMethods(hop, label, prompting);
      const authHandler = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: (m: AnyAuthMethod | false) => void): void => {
        const allowed = (type: AuthenticationType) =>
          !methodsLeft || methodsLeft.includes(type === 'agent' ? 'publickey' : type);
        const pick = async (): Promise<AnyAuthMethod | false> => {
          for (;;) {
            const candidate = methods.shift();
            if (!candidate) return false;
            if (!allowed(candidate.type)) continue;
            const method = await candidate.make();
            if (method) {
              tried.push(candidate.description);
              return method;
            }
          }
        };
        pick().then(next, () => next(false));
      };

      arm();
      try {
        client.connect({
          host: hop.hostName,
          port: hop.port,
          username: hop.user,
          ...(sock ? { sock } : {}),
          hostVerifier,
          authHandler: authHandler as unknown as never,
          // Our own timer covers the handshake (it pauses for prompts); ssh2's is only a backstop.
          readyTimeout: 24 * 3600 * 1000,
          keepaliveInterval: this.options.keepaliveIntervalMs ?? hop.serverAliveIntervalMs ?? 15_000,
          keepaliveCountMax: hop.serverAliveCountMax ?? 3,
          algorithms: { serverHostKey: hostKeyAlgorithms as HostKeyAlgorithm[] },
        });
      } catch (err) {
        fail(new RemoteError('config', `${label}: ${(err as Error).message}`, label));
      }
    });
  }

  /** Authentication methods in OpenSSH's order: agent, identity files, keyboard-interactive, password. */
  private authMethods(
    hop: SshEndpoint,
    label: string,
    prompting: <T>(ask: () => Promise<T>) => Promise<T>,
  ): { type: AuthenticationType; description: string; make: () => Promise<AnyAuthMethod | undefined> }[] {
    const username = hop.user;
    const { interaction } = this.options;
    const methods: { type: AuthenticationType; description: string; make: () => Promise<AnyAuthMethod | undefined> }[] = [];
    if (hop.identityAgent && !hop.identitiesOnly) {
      const agent = hop.identityAgent;
      methods.push({ type: 'agent', description: 'ssh-agent', make: async () => ({ type: 'agent', username, agent }) });
    }
    for (const file of hop.identityFiles) {
      methods.push({
        type: 'publickey',
        description: file,
        make: async () => {
          const key = await this.loadKey(file, hop.identityFilesConfigured, prompting);
          return key ? { type: 'publickey', username, key } : undefined;
        },
      });
    }
    if (hop.kbdInteractiveAuthentication && interaction.keyboardInteractive) {
      const ask = interaction.keyboardInteractive.bind(interaction);
      methods.push({
        type: 'keyboard-interactive',
        description: 'keyboard-interactive',
        make: async () => ({
          type: 'keyboard-interactive',
          username,
          prompt: (_name, instructions, _lang, prompts, finish) => {
            prompting(() => ask(label, instructions, prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })))).then(
              (answers) => finish(answers ?? []),
              () => finish([]),
            );
          },
        }),
      });
    }
    if (hop.passwordAuthentication && interaction.password) {
      const ask = interaction.password.bind(interaction);
      methods.push({
        type: 'password',
        description: 'password',
        make: async () => {
          const password = await prompting(() => ask(label));
          return password === undefined ? undefined : { type: 'password', username, password };
        },
      });
    }
    return methods;
  }

  /** Reads an identity file, asking for its passphrase when it is encrypted; null when unusable. */
  private async loadKey(file: string, configured: boolean, prompting: <T>(ask: () => Promise<T>) => Promise<T>): Promise<ParsedKey | null> {
    if (this.parsedKeys.has(file)) return this.parsedKeys.get(file)!;
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      if (configured) this.options.interaction.log?.(`identity file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      return null;
    }
    let parsed = utils.parseKey(data);
    for (let attempt = 1; parsed instanceof Error && /encrypted|passphrase|bad decrypt/i.test(parsed.message) && attempt <= 3; attempt++) {
      const ask = this.options.interaction.passphrase?.bind(this.options.interaction);
      if (!ask) break;
      const passphrase = await prompting(() => ask(file, attempt));
      if (passphrase === undefined) break;
      parsed = utils.parseKey(data, passphrase);
    }
    const key = parsed instanceof Error ? null : Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    if (parsed instanceof Error) this.options.interaction.log?.(`identity file ${file} not used: ${parsed.message}`);
    this.parsedKeys.set(file, key);
    return key;
  }

  private exec(conn: Connection, line: string, argv: readonly string[], options: RunOptions): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 60_000;
    return new Promise<CommandResult>((resolve, reject) => {
      if (conn.closed) return reject(new ConnectionDropped());
      let channel: ClientChannel | undefined;
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const timer = setTimeout(() => {
        finish(() => reject(new RemoteError('timeout', `${this.label}: ${argv.join(' ')} did not finish within ${Math.round(timeoutMs / 1000)} s`, this.label)));
        channel?.close();
      }, timeoutMs);
      const onAbort = () => {
        finish(() => reject(new RemoteError('cancelled', 'cancelled', this.label)));
        channel?.close();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const onClientClose = () => finish(() => reject(new ConnectionDropped()));
      conn.client.once('close', onClientClose);
      try {
        conn.client.exec(line, (err, stream) => {
          if (err) {
            conn.client.removeListener('close', onClientClose);
            const dropped = conn.closed || /not connected|no response|closed/i.test(err.message);
            return finish(() =>
              reject(
                dropped
                  ? new ConnectionDropped()
                  : /open failure|open failed/i.test(err.message)
                    ? new ChannelRefused(err.message)
                    : new RemoteError('command-failed', `${this.label}: cannot open a channel: ${err.message}`, this.label),
              ),
            );
          }
          channel = stream;
          const out: Buffer[] = [];
          const errOut: Buffer[] = [];
          let code: number | null = null;
          let signal: string | null = null;
          let exited = false;
          stream.on('data', (chunk: Buffer) => out.push(chunk));
          stream.stderr.on('data', (chunk: Buffer) => errOut.push(chunk));
          stream.on('exit', (c: number | null, s?: string) => {
            exited = true;
            code = typeof c === 'number' ? c : null;
            signal = s ?? null;
          });
          stream.on('close', () => {
            conn.client.removeListener('close', onClientClose);
            if (!exited && conn.closed) return finish(() => reject(new ConnectionDropped()));
            finish(() =>
              resolve({
                code,
                ...(signal ? { signal } : {}),
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(errOut).toString('utf8'),
              }),
            );
          });
        });
      } catch {
        conn.client.removeListener('close', onClientClose);
        finish(() => reject(new ConnectionDropped()));
      }
    });
  }
}

function algorithmsForKeyType(keyType: string): HostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return (DEFAULT_HOST_KEY_ALGORITHMS as readonly string[]).includes(keyType) ? [keyType as HostKeyAlgorithm] : [];
}

function forwardOut(via: Client, to: SshEndpoint, viaLabel: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.hostName, to.port, (err, stream) => {
      if (err) {
        reject(new RemoteError('unreachable', `jump host ${viaLabel} could not reach ${endpointLabel(to)}: ${err.message}`, endpointLabel(to)));
      } else resolve(stream);
    });
  });
}

function mapConnectError(err: Error & { code?: string; level?: string }, hop: SshEndpoint, tried: readonly string[]): RemoteError {
  const label = endpointLabel(hop);
  const where = `${hop.hostName}:${hop.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return new RemoteError('refused', `${label}: connection refused by ${where} (no SSH server on that port?)`, label, { cause: err });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new RemoteError('unreachable', `${label}: ${where} is unreachable (${err.code})`, label, { cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RemoteError('dns', `${label}: cannot resolve host name ${hop.hostName}`, label, { cause: err });
    case 'ETIMEDOUT':
      return new RemoteError('timeout', `${label}: connection to ${where} timed out`, label, { cause: err });
    case 'ECONNRESET':
      return new RemoteError('connection-lost', `${label}: connection reset by ${where}`, label, { cause: err });
  }
  if (err.level === 'client-authentication') {
    const how = tried.length ? tried.join(', ') : 'no usable method (no agent, no identity file, no password prompt)';
    return new RemoteError('auth-failed', `${label}: authentication failed (tried: ${how})`, label, { cause: err });
  }
  if (/timed out/i.test(err.message)) return new RemoteError('timeout', `${label}: ${err.message}`, label, { cause: err });
  return new RemoteError('connection-lost', `${label}: ${err.message}`, label, { cause: err });
}
