// Which rulesets a namespace holds and how to read them: fixed, read-only argv lists.
import type { CommandRunner, RunOptions } from './runner';
import { commandFailure, RemoteError } from './errors';
import { assertValidNamespaceName, type NamespaceName } from './namespaces';

export type RulesetSource = 'iptables' | 'ip6tables' | 'nft' | 'ipset' | 'ebtables';

export interface RulesetSourceInfo {
  readonly argv: readonly string[];
  /** VS Code language id of the text. */
  readonly language: 'iptables-save' | 'nft' | 'ipset';
  /** File name in a snapshot directory. */
  readonly fileName: string;
  readonly label: string;
  /** Not installed on every node: a missing program means "not there", not an error. */
  readonly optional: boolean;
}

export const RULESET_SOURCES: Readonly<Record<RulesetSource, RulesetSourceInfo>> = {
  iptables: { argv: ['iptables-save'], language: 'iptables-save', fileName: 'iptables-save', label: 'iptables', optional: false },
  ip6tables: { argv: ['ip6tables-save'], language: 'iptables-save', fileName: 'ip6tables-save', label: 'ip6tables', optional: false },
  nft: { argv: ['nft', 'list', 'ruleset'], language: 'nft', fileName: 'nft', label: 'nftables', optional: false },
  ipset: { argv: ['ipset', 'save'], language: 'ipset', fileName: 'ipset', label: 'ipset', optional: true },
  ebtables: { argv: ['ebtables-save'], language: 'iptables-save', fileName: 'ebtables-save', label: 'ebtables', optional: true },
};

/** The four sources every refresh reads; ebtables is added where present. */
export const CORE_SOURCES: readonly RulesetSource[] = ['iptables', 'ip6tables', 'nft', 'ipset'];
export const ALL_SOURCES: readonly RulesetSource[] = ['iptables', 'ip6tables', 'nft', 'ipset', 'ebtables'];

export function isRulesetSource(s: string): s is RulesetSource {
  return Object.prototype.hasOwnProperty.call(RULESET_SOURCES, s);
}

/** `ip netns exec NS argv` for a named namespace (validated first), argv as is for the root one. */
export function inNamespace(namespace: NamespaceName, argv: readonly string[]): string[] {
  if (namespace === null) return [...argv];
  assertValidNamespaceName(namespace);
  return ['ip', 'netns', 'exec', namespace, ...argv];
}

export interface FetchedRuleset {
  readonly host: string;
  readonly namespace: NamespaceName;
  readonly source: RulesetSource;
  readonly argv: readonly string[];
  readonly text: string;
  /** Notes the tool printed on stderr (e.g. iptables-nft's "legacy tables present"). */
  readonly stderr: string;
  /** False when an optional tool is not installed on the node. */
  readonly present: boolean;
  readonly fetchedAt: Date;
}

export interface FetchOptions extends RunOptions {
  /** A replacement argv for the source (the `commands` of a host setting). */
  readonly command?: readonly string[];
}

/** Reads one ruleset of one namespace. Throws RemoteError with a clear kind on failure. */
export async function fetchRuleset(
  runner: CommandRunner,
  namespace: NamespaceName,
  source: RulesetSource,
  options: FetchOptions = {},
): Promise<FetchedRuleset> {
  const info = RULESET_SOURCES[source];
  const argv = inNamespace(namespace, options.command ?? info.argv);
  const result = await runner.run(argv, options);
  const base = { host: runner.label, namespace, source, argv, fetchedAt: new Date() };
  if (result.code === 0) return { ...base, text: result.stdout, stderr: result.stderr, present: true };
  const error = commandFailure(runner.label, argv, result);
  const program = (options.command ?? info.argv)[0]!;
  if (error.kind === 'command-missing' && info.optional && error.message.includes(` ${program} is not installed`)) {
    return { ...base, text: '', stderr: result.stderr, present: false };
  }
  throw error;
}

export type SourceOutcome = { readonly ok: true; readonly ruleset: FetchedRuleset } | { readonly ok: false; readonly source: RulesetSource; readonly error: RemoteError };

/** Reads several sources of a namespace in parallel; a failing source does not stop the others. */
export async function fetchNamespaceRulesets(
  runner: CommandRunner,
  namespace: NamespaceName,
  sources: readonly RulesetSource[] = ALL_SOURCES,
  options: RunOptions & { commands?: Partial<Record<RulesetSource, readonly string[]>> } = {},
): Promise<SourceOutcome[]> {
  return Promise.all(
    sources.map(async (source): Promise<SourceOutcome> => {
      try {
        const command = options.commands?.[source];
        return { ok: true, ruleset: await fetchRuleset(runner, namespace, source, { ...options, ...(command ? { command } : {}) }) };
      } catch (err) {
        if (err instanceof RemoteError && err.kind !== 'cancelled' && err.kind !== 'connection-lost') return { ok: false, source, error: err };
        throw err;
      }
    }),
  );
}

export type IptablesBackend = 'nf_tables' | 'legacy' | 'unknown';

export interface IptablesBackendReport {
  readonly backend: IptablesBackend;
  /** Both the legacy (x_tables) and the nf_tables backends hold iptables rules. */
  readonly bothBackends: boolean;
  readonly warning?: string;
}

const IPTABLES_NFT_TABLE = /^table (ip|ip6) (filter|nat|mangle|raw|security) \{/m;

/** Backend of `iptables` from the save header, e.g. `# Generated by iptables-save v1.8.9 (nf_tables)`. */
export function backendFromSaveHeader(text: string): IptablesBackend {
  const m = /^# Generated by (ip6?tables)(-nft|-legacy)?-save v[\d.]+(?: \((nf_tables|legacy)\))?/m.exec(text);
  if (!m) return 'unknown';
  if (m[3] === 'nf_tables' || m[2] === '-nft') return 'nf_tables';
  return 'legacy'; // the legacy tool prints no backend in its header
}

/**
 * Which backend `iptables` uses on the node, and whether the other one holds rules too,
 * from documents already fetched (no extra commands): iptables-nft warns on stderr about
 * legacy tables; with legacy iptables, nft shows tables iptables-nft created.
 */
export function analyzeIptablesBackend(
  iptables: Pick<FetchedRuleset, 'text' | 'stderr'> | undefined,
  nft: Pick<FetchedRuleset, 'text'> | undefined,
  versionOutput?: string,
): IptablesBackendReport {
  let backend: IptablesBackend = iptables ? backendFromSaveHeader(iptables.text) : 'unknown';
  if (backend === 'unknown' && versionOutput) {
    if (/\(nf_tables\)/.test(versionOutput)) backend = 'nf_tables';
    else if (/\(legacy\)/.test(versionOutput)) backend = 'legacy';
  }
  let bothBackends = false;
  if (backend === 'nf_tables' && iptables && /iptables-legacy tables present/.test(iptables.stderr + iptables.text)) bothBackends = true;
  if (backend === 'legacy' && iptables && /^-A /m.test(iptables.text) && nft && IPTABLES_NFT_TABLE.test(nft.text)) bothBackends = true;
  return {
    backend,
    bothBackends,
    ...(bothBackends
      ? {
          warning:
            backend === 'nf_tables'
              ? 'iptables uses nf_tables here, but legacy (x_tables) rules exist as well: both are evaluated, and iptables-save shows only the nf_tables ones (see iptables-legacy-save)'
              : 'iptables uses the legacy backend here, but nf_tables holds iptables tables as well: both are evaluated (see iptables-nft-save)',
        }
      : {}),
  };
}

/** Asks the node directly (`iptables -V`) when the save output has no header. */
export async function probeIptablesVersion(runner: CommandRunner, namespace: NamespaceName, options: RunOptions = {}): Promise<string | undefined> {
  const result = await runner.run(inNamespace(namespace, ['iptables', '-V']), options);
  return result.code === 0 ? result.stdout.trim() : undefined;
}
