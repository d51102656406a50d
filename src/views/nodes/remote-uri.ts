// `nflens-remote:/HOST/NAMESPACE/DOCUMENT` paths: which host, namespace and source a document shows.
import { isRulesetSource, type NamespaceName, type RulesetSource } from '../../remote';

export const REMOTE_SCHEME = 'nflens-remote';
const ROOT_SEGMENT = '_root';

/** Document names whose extension or file name makes VS Code pick the right language. */
const DOCUMENT_NAMES: Record<RulesetSource, string> = {
  iptables: 'iptables-save',
  ip6tables: 'ip6tables-save',
  nft: 'ruleset.nft',
  ipset: 'sets.ipset',
  ebtables: 'rules.ebtables-save',
};

export interface RemoteDocumentRef {
  readonly hostId: string;
  readonly namespace: NamespaceName;
  readonly source: RulesetSource;
}

export function remotePath(ref: RemoteDocumentRef): string {
  return `/${encodeURIComponent(ref.hostId)}/${ref.namespace ?? ROOT_SEGMENT}/${source2doc(ref.source)}`;
}

function source2doc(source: RulesetSource): string {
  return `${source}/${DOCUMENT_NAMES[source]}`;
}

export function parseRemotePath(path: string): RemoteDocumentRef | undefined {
  const parts = path.split('/');
  if (parts.length !== 5 || parts[0] !== '') return undefined;
  const [, host, ns, source] = parts;
  if (!host || !ns || !source || !isRulesetSource(source)) return undefined;
  let hostId: string;
  try {
    hostId = decodeURIComponent(host);
  } catch {
    return undefined;
  }
  return { hostId, namespace: ns === ROOT_SEGMENT ? null : ns, source };
}
