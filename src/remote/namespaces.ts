// Network namespaces: discovery, validation of names read from the node, Neutron classification.
import type { CommandRunner, RunOptions } from './runner';
import { commandFailure } from './errors';

/** The root (default) network namespace, where no `ip netns exec` is needed. */
export const ROOT_NAMESPACE = null;
export type NamespaceName = string | null;

/**
 * Names accepted from a node. `ip netns add` takes almost anything but '/', so names read
 * remotely are checked before they go into a command line, even a quoted one.
 */
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export function namespaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.length > 255) return 'longer than 255 characters';
  if (!NAMESPACE_NAME.test(name)) {
    const bad = [...new Set([...name].filter((c) => !/[A-Za-z0-9_.-]/.test(c)))];
    if (/^[_.-]/.test(name)) return 'starts with a character other than a letter or digit';
    return `contains characters outside [A-Za-z0-9_.-]: ${bad.map((c) => JSON.stringify(c)).join(' ')}`;
  }
  return undefined;
}

export function isValidNamespaceName(name: string): boolean {
  return namespaceNameProblem(name) === undefined;
}

/** Throws when a namespace name must not be used in a command. */
export function assertValidNamespaceName(name: string): void {
  const problem = namespaceNameProblem(name);
  if (problem) throw new InvalidNamespaceNameError(name, problem);
}

export class InvalidNamespaceNameError extends Error {
  constructor(
    readonly namespace: string,
    readonly reason: string,
  ) {
    super(`refusing network namespace name ${JSON.stringify(namespace)}: ${reason}`);
    this.name = 'InvalidNamespaceNameError';
  }
}

export type NeutronNamespaceKind = 'root' | 'router' | 'snat' | 'floating-ip' | 'dhcp' | 'metadata' | 'other';

export interface NamespaceClass {
  readonly kind: NeutronNamespaceKind;
  /** What Neutron calls the thing behind the namespace ("router", "DHCP"...). */
  readonly kindLabel: string;
  /** The id after the prefix (router/network uuid), when there is one. */
  readonly id?: string;
  /** Short label for a tree: prefix plus the first 8 characters of the uuid. */
  readonly shortLabel: string;
}

const NEUTRON_PREFIXES: readonly { prefix: string; kind: NeutronNamespaceKind; kindLabel: string }[] = [
  { prefix: 'qrouter-', kind: 'router', kindLabel: 'router' },
  { prefix: 'snat-', kind: 'snat', kindLabel: 'SNAT' },
  { prefix: 'fip-', kind: 'floating-ip', kindLabel: 'floating IP' },
  { prefix: 'qdhcp-', kind: 'dhcp', kindLabel: 'DHCP' },
  { prefix: 'ovnmeta-', kind: 'metadata', kindLabel: 'OVN metadata' },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function classifyNamespace(name: NamespaceName): NamespaceClass {
  if (name === null) return { kind: 'root', kindLabel: 'root namespace', shortLabel: 'root namespace' };
  for (const { prefix, kind, kindLabel } of NEUTRON_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      const id = name.slice(prefix.length);
      const shortId = UUID.test(id) ? id.slice(0, 8) : id;
      return { kind, kindLabel, id, shortLabel: `${prefix}${shortId}` };
    }
  }
  return { kind: 'other', kindLabel: 'other', shortLabel: name };
}

export interface NamespaceInfo {
  readonly name: NamespaceName;
  readonly class: NamespaceClass;
}

export interface RejectedNamespace {
  readonly name: string;
  readonly reason: string;
}

export interface NamespaceListing {
  /** The root namespace first, then the named ones in the order the node listed them. */
  readonly namespaces: NamespaceInfo[];
  /** Names that failed validation: never used in a command, shown to the user. */
  readonly rejected: RejectedNamespace[];
}

/** Parses `ip -j netns list` (JSON) or, from older iproute2, the text form `name (id: N)`. */
export function parseNetnsList(stdout: string): string[] {
  const text = stdout.trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('unexpected JSON from ip netns list');
    return parsed
      .map((entry: unknown) => (entry && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined))
      .filter((n): n is string => typeof n === 'string');
  }
  return text.split('\n').map((line) => line.replace(/ \(id: \d+\)$/, '')).filter((n) => n !== '');
}

export function buildNamespaceListing(names: readonly string[]): NamespaceListing {
  const namespaces: NamespaceInfo[] = [{ name: ROOT_NAMESPACE, class: classifyNamespace(ROOT_NAMESPACE) }];
  const rejected: RejectedNamespace[] = [];
  for (const name of names) {
    const reason = namespaceNameProblem(name);
    if (reason) rejected.push({ name, reason });
    else namespaces.push({ name, class: classifyNamespace(name) });
  }
  return { namespaces, rejected };
}

/** Lists the node's network namespaces (root first); hostile or odd names land in `rejected`. */
export async function listNamespaces(runner: CommandRunner, options: RunOptions = {}): Promise<NamespaceListing> {
  let result = await runner.run(['ip', '-j', 'netns', 'list'], options);
  if (result.code !== 0 && !/command not found|not found|No such file/i.test(result.stderr)) {
    // iproute2 without JSON support for netns.
    result = await runner.run(['ip', 'netns', 'list'], options);
  }
  if (result.code !== 0) throw commandFailure(runner.label, ['ip', 'netns', 'list'], result);
  let names: string[];
  try {
    names = parseNetnsList(result.stdout);
  } catch (err) {
    throw new Error(`${runner.label}: cannot read the output of ip netns list: ${(err as Error).message}`);
  }
  return buildNamespaceListing(names);
}
