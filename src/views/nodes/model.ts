// What the Nodes tree shows, fetched through src/remote and cached per host (no vscode import).
import {
  ALL_SOURCES,
  analyzeIptablesBackend,
  collectHosts,
  createRunner,
  endpointForHost,
  endpointLabel,
  fetchNamespaceRulesets,
  fetchRuleset,
  listNamespaces,
  loadSshConfig,
  RemoteError,
  type CommandRunner,
  type FetchedRuleset,
  type HostEntry,
  type IptablesBackendReport,
  type LoadedSshConfig,
  type NamespaceListing,
  type NamespaceName,
  type RulesetSource,
  type SshInteraction,
} from '../../remote';

export interface NamespaceRulesets {
  readonly rulesets: ReadonlyMap<RulesetSource, FetchedRuleset>;
  readonly errors: ReadonlyMap<RulesetSource, RemoteError>;
  readonly backend: IptablesBackendReport;
}

export interface NodesModelOptions {
  readonly interaction: SshInteraction;
  /** The extension's own store of host keys the user trusted. */
  readonly trustedKeysFile?: string;
  readonly maxParallel?: number;
  /** A login failed: a saved password for `user@host` must not be offered again. */
  readonly onAuthFailed?: (label: string) => void;
}

interface HostState {
  runner?: CommandRunner;
  listing?: Promise<NamespaceListing>;
  rulesets: Map<string, Promise<NamespaceRulesets>>;
}

const nsKey = (ns: NamespaceName) => (ns === null ? '' : `n:${ns}`);

export class NodesModel {
  private entries: HostEntry[] = [];
  private sshConfig: LoadedSshConfig | undefined;
  private readonly states = new Map<string, HostState>();
  private readonly listeners = new Set<(hostId?: string) => void>();
  problems: string[] = [];

  constructor(private readonly options: NodesModelOptions) {}

  /** Reloads the host list from settings and ~/.ssh/config; drops connections of hosts that changed. */
  setHosts(settings: readonly unknown[], readSshConfig: boolean): void {
    this.sshConfig = loadSshConfig();
    const { hosts, problems } = collectHosts(settings, readSshConfig ? this.sshConfig : undefined);
    this.problems = [...this.sshConfig.problems, ...problems];
    const before = new Map(this.entries.map((h) => [h.id, JSON.stringify(h)]));
    this.entries = hosts;
    for (const [id] of this.states) {
      const now = hosts.find((h) => h.id === id);
      if (!now || before.get(id) !== JSON.stringify(now)) this.forget(id);
    }
    this.fire();
  }

  get hosts(): readonly HostEntry[] {
    return this.entries;
  }

  host(id: string): HostEntry | undefined {
    return this.entries.find((h) => h.id === id);
  }

  /** `user@host:port` of an SSH host, or undefined for local / unresolvable entries. */
  describeHost(entry: HostEntry): string | undefined {
    if (entry.kind === 'local' || !this.sshConfig) return undefined;
    try {
      const e = endpointForHost(entry, this.sshConfig);
      return endpointLabel(e) + (e.proxyJump.length ? ` via ${e.proxyJump.map((j) => j.alias).join(', ')}` : '');
    } catch (err) {
      return `(${(err as Error).message})`;
    }
  }

  onDidChange(listener: (hostId?: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(hostId?: string): void {
    for (const l of this.listeners) l(hostId);
  }

  private state(hostId: string): HostState {
    let s = this.states.get(hostId);
    if (!s) {
      s = { rulesets: new Map() };
      this.states.set(hostId, s);
    }
    return s;
  }

  runner(hostId: string): CommandRunner {
    const entry = this.host(hostId);
    if (!entry) throw new RemoteError('config', `unknown host ${hostId}`);
    const s = this.state(hostId);
    if (!s.runner) {
      s.runner = createRunner(entry, {
        sshConfig: this.sshConfig ?? loadSshConfig(),
        interaction: this.options.interaction,
        ...(this.options.trustedKeysFile ? { extraKnownHostsFiles: [this.options.trustedKeysFile] } : {}),
        ...(this.options.maxParallel ? { maxParallel: this.options.maxParallel } : {}),
      });
    }
    return s.runner;
  }

  /** Cached promise; a failure is not cached, so expanding again retries. */
  private cached<T>(get: () => Promise<T> | undefined, set: (p: Promise<T> | undefined) => void, make: () => Promise<T>): Promise<T> {
    const existing = get();
    if (existing) return existing;
    const p = make();
    set(p);
    p.catch((err: unknown) => {
      if (get() === p) set(undefined);
      if (err instanceof RemoteError && err.kind === 'auth-failed' && err.host) this.options.onAuthFailed?.(err.host);
    });
    return p;
  }

  namespaces(hostId: string, signal?: AbortSignal): Promise<NamespaceListing> {
    const s = this.state(hostId);
    return this.cached(
      () => s.listing,
      (p) => (s.listing = p),
      () => listNamespaces(this.runner(hostId), signal ? { signal } : {}),
    );
  }

  /** Every source of a namespace, fetched in parallel; missing optional tools are left out. */
  rulesets(hostId: string, ns: NamespaceName, signal?: AbortSignal): Promise<NamespaceRulesets> {
    const s = this.state(hostId);
    const key = nsKey(ns);
    const entry = this.host(hostId);
    return this.cached(
      () => s.rulesets.get(key),
      (p) => (p ? s.rulesets.set(key, p) : s.rulesets.delete(key)),
      async () => {
        const outcomes = await fetchNamespaceRulesets(this.runner(hostId), ns, ALL_SOURCES, {
          ...(signal ? { signal } : {}),
          ...(entry?.commands ? { commands: entry.commands } : {}),
        });
        const rulesets = new Map<RulesetSource, FetchedRuleset>();
        const errors = new Map<RulesetSource, RemoteError>();
        for (const o of outcomes) {
          if (o.ok && o.ruleset.present) rulesets.set(o.ruleset.source, o.ruleset);
          else if (!o.ok) errors.set(o.source, o.error);
        }
        return { rulesets, errors, backend: analyzeIptablesBackend(rulesets.get('iptables'), rulesets.get('nft')) };
      },
    );
  }

  /** One document: from the namespace's cached fetch when there is one, else fetched alone. */
  async ruleset(hostId: string, ns: NamespaceName, source: RulesetSource, signal?: AbortSignal): Promise<FetchedRuleset> {
    const cached = this.state(hostId).rulesets.get(nsKey(ns));
    if (cached) {
      const all = await cached;
      const hit = all.rulesets.get(source);
      if (hit) return hit;
      const err = all.errors.get(source);
      if (err) throw err;
    }
    const command = this.host(hostId)?.commands?.[source];
    return fetchRuleset(this.runner(hostId), ns, source, { ...(signal ? { signal } : {}), ...(command ? { command } : {}) });
  }

  /** Drops cached results (all hosts, one host, or one namespace) so the next look fetches again. */
  invalidate(hostId?: string, ns?: NamespaceName): void {
    if (hostId === undefined) {
      for (const s of this.states.values()) {
        s.listing = undefined;
        s.rulesets.clear();
      }
    } else {
      const s = this.states.get(hostId);
      if (s) {
        if (ns === undefined) {
          s.listing = undefined;
          s.rulesets.clear();
        } else s.rulesets.delete(nsKey(ns));
      }
    }
    this.fire(hostId);
  }

  /** Closes the host's connection and drops its cache. */
  forget(hostId: string): void {
    const s = this.states.get(hostId);
    this.states.delete(hostId);
    void s?.runner?.dispose();
  }

  async dispose(): Promise<void> {
    const runners = [...this.states.values()].map((s) => s.runner);
    this.states.clear();
    await Promise.all(runners.map((r) => r?.dispose()));
  }
}
