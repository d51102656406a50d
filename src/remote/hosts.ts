// The hosts a user can open: this machine, `netfilterLens.hosts` settings, and ~/.ssh/config.
import { LocalRunner } from './local-runner';
import type { CommandRunner } from './runner';
import { isRulesetSource, type RulesetSource } from './rulesets';
import { listSshConfigHosts, parseSshDestination, resolveSshEndpoint, type LoadedSshConfig, type SshEndpoint } from './ssh-config';
import { SshRunner, type SshInteraction } from './ssh-runner';

/** One entry of the `netfilterLens.hosts` setting (plain data; secrets never go here). */
export interface HostSetting {
  /** Label in the tree; defaults to `host`. Also an ~/.ssh/config alias when it names one. */
  readonly name?: string;
  /** Host name, address or ~/.ssh/config alias. */
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly proxyJump?: string;
  readonly sudo?: boolean;
  /** Replacement argv per source, e.g. `{ "nft": ["nft", "-a", "list", "ruleset"] }`. */
  readonly commands?: Partial<Record<RulesetSource, readonly string[]>>;
}

export interface HostEntry {
  /** Stable id: `local`, or `ssh:` + name. */
  readonly id: string;
  readonly name: string;
  readonly kind: 'local' | 'ssh';
  readonly origin: 'local' | 'settings' | 'ssh-config';
  readonly setting?: HostSetting;
  readonly sudo: boolean;
  readonly commands?: Partial<Record<RulesetSource, readonly string[]>>;
}

export const LOCAL_HOST: HostEntry = { id: 'local', name: 'This machine', kind: 'local', origin: 'local', sudo: false };

/** Checks one raw settings entry; returns the problem as text when it is unusable. */
export function parseHostSetting(raw: unknown): HostSetting | string {
  if (typeof raw === 'string') {
    try {
      const d = parseSshDestination(raw);
      return { host: d.host, ...(d.user ? { user: d.user } : {}), ...(d.port ? { port: d.port } : {}) };
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (!raw || typeof raw !== 'object') return 'expected an object with at least "host"';
  const r = raw as Record<string, unknown>;
  if (typeof r.host !== 'string' || r.host.trim() === '') return 'missing "host"';
  if (/[\s'"`$;|&<>\\]/.test(r.host)) return `bad host ${JSON.stringify(r.host)}`;
  const str = (k: string): string | undefined => (typeof r[k] === 'string' && (r[k] as string) !== '' ? (r[k] as string) : undefined);
  if (r.port !== undefined && !(Number.isInteger(r.port) && (r.port as number) >= 1 && (r.port as number) <= 65535)) return `bad port ${JSON.stringify(r.port)}`;
  let commands: Partial<Record<RulesetSource, string[]>> | undefined;
  if (r.commands !== undefined) {
    if (!r.commands || typeof r.commands !== 'object') return '"commands" must map a source to an argv array';
    commands = {};
    for (const [source, argv] of Object.entries(r.commands as Record<string, unknown>)) {
      if (!isRulesetSource(source)) return `unknown source ${JSON.stringify(source)} in "commands"`;
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) return `"commands.${source}" must be a non-empty array of strings`;
      commands[source] = argv as string[];
    }
  }
  const name = str('name');
  const user = str('user');
  const identityFile = str('identityFile');
  const proxyJump = str('proxyJump');
  return {
    host: r.host.trim(),
    ...(name ? { name } : {}),
    ...(typeof r.port === 'number' ? { port: r.port } : {}),
    ...(user ? { user } : {}),
    ...(identityFile ? { identityFile } : {}),
    ...(proxyJump ? { proxyJump } : {}),
    ...(typeof r.sudo === 'boolean' ? { sudo: r.sudo } : {}),
    ...(commands ? { commands } : {}),
  };
}

/** This machine first, then the hosts from settings, then ~/.ssh/config hosts not named in settings. */
export function collectHosts(settings: readonly unknown[], sshConfig: LoadedSshConfig | undefined): { hosts: HostEntry[]; problems: string[] } {
  const hosts: HostEntry[] = [LOCAL_HOST];
  const problems: string[] = [];
  const names = new Set<string>();
  settings.forEach((raw, i) => {
    const parsed = parseHostSetting(raw);
    if (typeof parsed === 'string') return void problems.push(`netfilterLens.hosts[${i}]: ${parsed}`);
    const name = parsed.name ?? parsed.host;
    if (names.has(name)) return void problems.push(`netfilterLens.hosts[${i}]: duplicate name ${JSON.stringify(name)}`);
    names.add(name);
    hosts.push({
      id: `ssh:${name}`,
      name,
      kind: 'ssh',
      origin: 'settings',
      setting: parsed,
      sudo: parsed.sudo ?? false,
      ...(parsed.commands ? { commands: parsed.commands } : {}),
    });
  });
  for (const alias of sshConfig ? listSshConfigHosts(sshConfig) : []) {
    if (names.has(alias)) continue;
    names.add(alias);
    hosts.push({ id: `ssh:${alias}`, name: alias, kind: 'ssh', origin: 'ssh-config', setting: { host: alias }, sudo: false });
  }
  return { hosts, problems };
}

/** Where an SSH host entry connects, with ~/.ssh/config applied under the setting's overrides. */
export function endpointForHost(entry: HostEntry, sshConfig: LoadedSshConfig): SshEndpoint {
  const s = entry.setting;
  if (entry.kind !== 'ssh' || !s) throw new Error(`${entry.name} is not an SSH host`);
  // A settings entry whose host is a config alias gets that alias's settings, as `ssh alias` would.
  return resolveSshEndpoint(sshConfig, s.host, {
    ...(s.port ? { port: s.port } : {}),
    ...(s.user ? { user: s.user } : {}),
    ...(s.identityFile ? { identityFile: s.identityFile } : {}),
    ...(s.proxyJump ? { proxyJump: s.proxyJump } : {}),
  });
}

export interface RunnerDependencies {
  readonly sshConfig: LoadedSshConfig;
  readonly interaction: SshInteraction;
  readonly extraKnownHostsFiles?: readonly string[];
  readonly maxParallel?: number;
}

export function createRunner(entry: HostEntry, deps: RunnerDependencies): CommandRunner {
  if (entry.kind === 'local') return new LocalRunner({ ...(deps.maxParallel ? { maxParallel: deps.maxParallel } : {}) });
  return new SshRunner({
    endpoint: endpointForHost(entry, deps.sshConfig),
    interaction: deps.interaction,
    sudo: entry.sudo,
    ...(deps.extraKnownHostsFiles ? { extraKnownHostsFiles: deps.extraKnownHostsFiles } : {}),
    ...(deps.maxParallel ? { maxParallel: deps.maxParallel } : {}),
  });
}
