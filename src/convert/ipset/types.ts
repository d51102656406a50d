/** The set types ipset knows, their dimensions, and which options go with them. */
import type { IpsetDimension, IpsetMethod } from './ast';

export interface IpsetTypeSpec {
  readonly name: string;
  readonly method: IpsetMethod;
  readonly dimensions: readonly IpsetDimension[];
  readonly description: string;
}

const TYPES: readonly (readonly [string, string])[] = [
  ['bitmap:ip', 'IPv4 addresses (or networks of equal size) from a fixed range.'],
  ['bitmap:ip,mac', 'IPv4 addresses from a fixed range, each with an optional MAC.'],
  ['bitmap:port', 'Ports from a fixed range.'],
  ['hash:ip', 'IP addresses (or networks of equal size).'],
  ['hash:mac', 'MAC addresses.'],
  ['hash:ip,mac', 'IP and MAC address pairs.'],
  ['hash:net', 'Networks of any prefix length.'],
  ['hash:net,net', 'Pairs of networks.'],
  ['hash:ip,port', 'IP address and protocol:port pairs.'],
  ['hash:net,port', 'Network and protocol:port pairs.'],
  ['hash:ip,port,ip', 'IP, protocol:port and IP triples.'],
  ['hash:ip,port,net', 'IP, protocol:port and network triples.'],
  ['hash:ip,mark', 'IP address and packet mark pairs.'],
  ['hash:net,port,net', 'Network, protocol:port and network triples.'],
  ['hash:net,iface', 'Network and interface name pairs.'],
  ['list:set', 'A list of other sets, tried in order.'],
];

export const IPSET_TYPES: ReadonlyMap<string, IpsetTypeSpec> = new Map(
  TYPES.map(([name, description]) => {
    const [method, dims] = name.split(':') as [IpsetMethod, string];
    return [name, { name, method, dimensions: dims.split(',') as IpsetDimension[], description }];
  }),
);

export function ipsetType(name: string): IpsetTypeSpec | undefined {
  return IPSET_TYPES.get(name);
}

/** Create options: name → takes a value. */
export const CREATE_OPTIONS: ReadonlyMap<string, { readonly value: boolean; readonly description: string }> = new Map([
  ['family', { value: true, description: 'Address family: inet (IPv4) or inet6 (IPv6).' }],
  ['hashsize', { value: true, description: 'Initial number of hash buckets (power of two).' }],
  ['maxelem', { value: true, description: 'Maximum number of elements.' }],
  ['bucketsize', { value: true, description: 'Elements per bucket before the hash grows.' }],
  ['initval', { value: true, description: 'Hash seed (ipset save prints it so a restore gives the same layout).' }],
  ['netmask', { value: true, description: 'Store addresses masked to this prefix length.' }],
  ['markmask', { value: true, description: 'Mask applied to marks (hash:ip,mark).' }],
  ['timeout', { value: true, description: 'Default element timeout in seconds; enables per-element timeouts.' }],
  ['range', { value: true, description: 'Range of a bitmap set (from-to or network).' }],
  ['size', { value: true, description: 'Size of a list:set.' }],
  ['counters', { value: false, description: 'Keep packet and byte counters per element.' }],
  ['comment', { value: false, description: 'Allow a comment per element.' }],
  ['skbinfo', { value: false, description: 'Store skb mark/priority/queue per element.' }],
  ['forceadd', { value: false, description: 'When full, evict a random element to make room.' }],
]);

/** Options of add/del/test: name → takes a value. */
export const ENTRY_OPTIONS: ReadonlyMap<string, { readonly value: boolean; readonly description: string; readonly needs?: string }> = new Map([
  ['timeout', { value: true, description: 'Element timeout in seconds (0 = permanent).', needs: 'timeout' }],
  ['packets', { value: true, description: 'Initial packet counter.', needs: 'counters' }],
  ['bytes', { value: true, description: 'Initial byte counter.', needs: 'counters' }],
  ['comment', { value: true, description: 'Element comment.', needs: 'comment' }],
  ['skbmark', { value: true, description: 'skb mark to set (value[/mask]).', needs: 'skbinfo' }],
  ['skbprio', { value: true, description: 'skb priority to set (major:minor).', needs: 'skbinfo' }],
  ['skbqueue', { value: true, description: 'skb queue to set.', needs: 'skbinfo' }],
  ['nomatch', { value: false, description: 'Exception: packets matching this element do not match the set (hash:net types).' }],
  ['before', { value: true, description: 'list:set: insert before this set.' }],
  ['after', { value: true, description: 'list:set: insert after this set.' }],
]);
