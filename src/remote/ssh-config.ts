// ~/.ssh/config: read with Include expanded, list concrete hosts, resolve one host's settings.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';

/** `~` is the HOME of this process (tests point it at a temp dir). */
export function homeDirectory(): string {
  return process.env.HOME && process.env.HOME !== '' ? process.env.HOME : homedir();
}

export function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

export interface LoadedSshConfig {
  readonly config: SSHConfig;
  /** Every file read, the main one first. */
  readonly files: string[];
  readonly problems: string[];
  readonly home: string;
}

const MAX_INCLUDE_DEPTH = 16; // OpenSSH's READCONF_MAX_DEPTH

function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** Files an Include pattern names, sorted like glob(3); wildcards allowed in any component. */
function includeTargets(pattern: string, baseDir: string, home: string): string[] {
  let path = expandTilde(pattern, home);
  if (!isAbsolute(path)) path = join(baseDir, path);
  const parts = path.split('/').filter((p) => p !== '');
  let candidates = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!/[*?[]/.test(part)) {
        next.push(join(dir, part));
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter((n) => !n.startsWith('.') || part.startsWith('.'));
      } catch {
        continue;
      }
      const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      for (const n of names.sort()) if (re.test(n)) next.push(join(dir, n));
    }
    candidates = next;
  }
  return candidates.filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Reads a config file with every Include replaced by the included text, the way OpenSSH
 * processes it in place (an Include inside a Host block applies within that block).
 */
function readExpanded(file: string, home: string, depth: number, files: string[], problems: string[], relativeTo: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (depth > 0) problems.push(`cannot read included ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    return '';
  }
  files.push(file);
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      problems.push(`${file}: Include nested too deeply`);
      continue;
    }
    const patterns = m[1]!.match(/"[^"]*"|\S+/g) ?? [];
    for (const quoted of patterns) {
      const pattern = quoted.replace(/^"|"$/g, '');
      for (const target of includeTargets(pattern, relativeTo, home)) {
        out.push(readExpanded(target, home, depth + 1, files, problems, relativeTo));
      }
    }
  }
  return out.join('\n');
}

/** Loads `~/.ssh/config` (or `file`); a missing file is an empty config. */
export function loadSshConfig(options: { home?: string; file?: string } = {}): LoadedSshConfig {
  const home = options.home ?? homeDirectory();
  const file = options.file ?? join(home, '.ssh', 'config');
  const files: string[] = [];
  const problems: string[] = [];
  // Relative Include paths are relative to ~/.ssh for the user config.
  const text = readExpanded(file, home, 0, files, problems, join(home, '.ssh'));
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(text);
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    config = SSHConfig.parse('');
  }
  return { config, files, problems, home };
}

function valuesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((v) => v !== '');
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : (v as { val: string }).val));
  return [];
}

/** Host aliases named in `Host` lines, without wildcard or negated patterns, in file order. */
export function listSshConfigHosts(loaded: LoadedSshConfig): string[] {
  const hosts: string[] = [];
  for (const line of loaded.config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    for (const pattern of valuesOf(line.value)) {
      if (/[*?!]/.test(pattern)) continue;
      if (!hosts.includes(pattern)) hosts.push(pattern);
    }
  }
  return hosts;
}

export interface SshEndpoint {
  /** What the user called it (config alias or host name). */
  readonly alias: string;
  readonly hostName: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  /** True when IdentityFile was given explicitly (else OpenSSH's defaults are tried). */
  readonly identityFilesConfigured: boolean;
  readonly identitiesOnly: boolean;
  /** Agent socket, undefined for none. */
  readonly identityAgent: string | undefined;
  /** Jump hosts, outermost first, each already resolved. */
  readonly proxyJump: readonly SshEndpoint[];
  readonly connectTimeoutMs: number | undefined;
  readonly userKnownHostsFiles: readonly string[];
  readonly serverAliveIntervalMs: number | undefined;
  readonly serverAliveCountMax: number | undefined;
  readonly passwordAuthentication: boolean;
  readonly kbdInteractiveAuthentication: boolean;
}

/** Settings that override the config (from `netfilterLens.hosts` or the CLI target). */
export interface SshEndpointOverrides {
  readonly hostName?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly proxyJump?: string;
}

export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

/** `[user@]host[:port]` or `[user@][v6]:port`; `ssh://` prefix allowed. */
export function parseSshDestination(text: string): { user?: string; host: string; port?: number } {
  let rest = text.trim();
  if (rest.startsWith('ssh://')) rest = rest.slice('ssh://'.length).replace(/\/$/, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') throw new Error(`empty user name in ${JSON.stringify(text)}`);
  }
  let host = rest;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else {
    const colon = rest.split(':');
    if (colon.length === 2) {
      host = colon[0]!;
      if (!/^\d+$/.test(colon[1]!)) throw new Error(`bad port in ${JSON.stringify(text)}`);
      port = Number(colon[1]);
    } else if (colon.length > 2) {
      host = rest; // a bare IPv6 address
    }
  }
  if (host === '' || /[\s/\\'"`$;|&<>]/.test(host)) throw new Error(`bad host name in ${JSON.stringify(text)}`);
  if (port !== undefined && !(port >= 1 && port <= 65535)) throw new Error(`port out of range in ${JSON.stringify(text)}`);
  return { ...(user !== undefined ? { user } : {}), host, ...(port !== undefined ? { port } : {}) };
}

function expandTokens(value: string, t: { home: string; host: string; port: number; user: string; alias: string }): string {
  const expanded = value.replace(/%(.)/g, (all, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return t.home;
      case 'h':
        return t.host;
      case 'p':
        return String(t.port);
      case 'r':
        return t.user;
      case 'u':
        return localUserName();
      case 'n':
        return t.alias;
      default:
        return all;
    }
  });
  return expandTilde(expanded, t.home);
}

function yesNo(value: unknown, fallback: boolean): boolean {
  const v = valuesOf(value)[0]?.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  return fallback;
}

/**
 * Resolves a destination the way `ssh` would: the config entry for the alias, then overrides.
 * ProxyJump hosts are resolved through the same config.
 */
export function resolveSshEndpoint(
  loaded: LoadedSshConfig,
  alias: string,
  overrides: SshEndpointOverrides = {},
  seen: readonly string[] = [],
): SshEndpoint {
  if (seen.length > 8 || seen.includes(alias)) {
    throw new Error(`ProxyJump loop or chain too long: ${[...seen, alias].join(' -> ')}`);
  }
  const c = loaded.config.compute({ Host: alias, ...(overrides.user ? { User: overrides.user } : {}) }, { ignoreCase: true, matchExec: false }) as Record<
    string,
    unknown
  >;
  const first = (key: string): string | undefined => valuesOf(c[key])[0];
  const hostName = overrides.hostName ?? first('hostname')?.replace(/%h/g, alias) ?? alias;
  const port = overrides.port ?? (first('port') ? Number(first('port')) : 22);
  if (!(port >= 1 && port <= 65535)) throw new Error(`${alias}: bad Port ${first('port')}`);
  const user = overrides.user ?? first('user') ?? localUserName();
  const tokens = { home: loaded.home, host: hostName, port, user, alias };
  const configuredIdentities = overrides.identityFile ? [overrides.identityFile] : valuesOf(c['identityfile']);
  const identityFilesConfigured = configuredIdentities.length > 0;
  const identityFiles = (identityFilesConfigured ? configuredIdentities : DEFAULT_IDENTITY_FILES).map((f) => expandTokens(f, tokens));
  const agentSetting = first('identityagent');
  let identityAgent: string | undefined = process.env.SSH_AUTH_SOCK || undefined;
  if (agentSetting) {
    if (agentSetting.toLowerCase() === 'none') identityAgent = undefined;
    else if (agentSetting !== 'SSH_AUTH_SOCK') identityAgent = expandTokens(agentSetting.replace(/^\$SSH_AUTH_SOCK$/, process.env.SSH_AUTH_SOCK ?? ''), tokens) || undefined;
  }
  const jumpSpec = overrides.proxyJump ?? first('proxyjump');
  const proxyJump: SshEndpoint[] = [];
  if (jumpSpec && jumpSpec.toLowerCase() !== 'none') {
    for (const hop of jumpSpec.split(',').map((h) => h.trim()).filter((h) => h !== '')) {
      const dest = parseSshDestination(hop);
      const resolved = resolveSshEndpoint(
        loaded,
        dest.host,
        { ...(dest.user ? { user: dest.user } : {}), ...(dest.port ? { port: dest.port } : {}) },
        [...seen, alias],
      );
      // A hop's own ProxyJump is used only when it is the first one (OpenSSH chains them the same way).
      proxyJump.push(...(proxyJump.length === 0 ? resolved.proxyJump : []), { ...resolved, proxyJump: [] });
    }
  }
  const timeout = first('connecttimeout');
  const knownHosts = valuesOf(c['userknownhostsfile']);
  const aliveInterval = first('serveraliveinterval');
  const aliveCount = first('serveralivecountmax');
  return {
    alias,
    hostName,
    port,
    user,
    identityFiles,
    identityFilesConfigured,
    identitiesOnly: yesNo(c['identitiesonly'], false),
    identityAgent,
    proxyJump,
    connectTimeoutMs: timeout && /^\d+$/.test(timeout) ? Number(timeout) * 1000 : undefined,
    userKnownHostsFiles: (knownHosts.length ? knownHosts : ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map((f) => expandTokens(f, tokens)),
    serverAliveIntervalMs: aliveInterval && /^\d+$/.test(aliveInterval) ? Number(aliveInterval) * 1000 : undefined,
    serverAliveCountMax: aliveCount && /^\d+$/.test(aliveCount) ? Number(aliveCount) : undefined,
    passwordAuthentication: yesNo(c['passwordauthentication'], true),
    kbdInteractiveAuthentication: yesNo(c['kbdinteractiveauthentication'] ?? c['challengeresponseauthentication'], true),
  };
}

/** `user@host:port` for messages. */
export function endpointLabel(e: Pick<SshEndpoint, 'user' | 'hostName' | 'port'>): string {
  const host = e.hostName.includes(':') ? `[${e.hostName}]` : e.hostName;
  return `${e.user}@${host}${e.port === 22 ? '' : `:${e.port}`}`;
}

