/**
 * Stable diagnostic codes of the nft parser, analysis and validation. One line per code
 * saying what it means; docs and quick fixes key on these strings.
 */
export const NFT_CODES = {
  // ---- syntax (parser)
  'nft-syntax-error': 'A token that does not fit the grammar at this point (nft would reject the line).',
  'nft-unterminated-string': 'A double-quoted string that is not closed on the same line.',
  'nft-invalid-character': 'A character that is not part of the nft language.',
  'nft-unclosed-block': 'A `{` without its matching `}` before the end of the file.',
  'nft-unexpected-brace': 'A `}` that closes no open block.',
  'nft-unknown-command': 'A top-level line that is not a table, command, define or include.',
  'nft-unknown-statement': 'A word at the start of a statement that is no nft statement, expression or verdict.',
  'nft-expected-name': 'A table, chain, set or object name is missing.',
  'nft-expected-value': 'An expression or value is missing (after a selector, operator or keyword).',
  'nft-unknown-family': 'A family that is not ip, ip6, inet, arp, bridge or netdev.',
  'nft-include-not-found': 'An included file that could not be read (relative paths resolve against the including file).',
  'nft-include-cycle': 'A file that includes itself, directly or through others.',
  // ---- analysis
  'nft-undefined-chain': 'jump/goto to a chain (or a rule added to a chain) that is not declared in the same table.',
  'nft-undefined-set': '@name refers to a set, map or flowtable not declared in the same table.',
  'nft-undefined-variable': '$name used without a define before it.',
  'nft-base-chain-incomplete': 'A base chain (with type) lacks its hook or priority, or has a hook without type.',
  'nft-duplicate-chain': 'A chain declared twice in one table with different base chain specifications, or created when it exists.',
  'nft-duplicate-set': 'A set or map declared twice in one table with different types or kinds, or created when it exists.',
  'nft-duplicate-object': 'A table, flowtable or stateful object created when it exists, or declared twice with different contents.',
  'nft-duplicate-define': 'A variable defined twice (use redefine).',
  'nft-nat-needs-protocol': 'A NAT or tproxy statement that maps a port (or tproxy at all) without a transport protocol match before it in the rule.',
  'nft-nat-needs-family': 'snat/dnat/tproxy to an address in an inet table without `ip` or `ip6`.',
  'nft-unreachable-rule': 'A rule after one that always ends its chain (`counter drop`, `accept`, `goto x`): it is never evaluated.',
  'nft-unused-chain': 'A regular chain that no jump, goto or verdict map refers to (hint).',
  'nft-keyword-name': 'A table, chain, set or object named like an nft keyword (`chain counter`): nft reads the keyword and rejects the line.',
  'nft-set-type-mismatch': 'A set/map element whose value does not fit the declared type (e.g. an IPv6 address in an ipv4_addr set).',
  'nft-type-mismatch': 'A constant compared with a selector it cannot match (an IPv6 address for ip saddr, an address for tcp dport).',
  'nft-map-not-set': 'A set used where a map is needed (map/vmap lookup) or the other way round.',
  // ---- validation with the real nft
  'nft-validate-error': 'Error reported by `nft -c -f` (real nft validation).',
  'nft-validate-unavailable': 'nft validation could not run (nft missing or no permission for a network namespace).',
} as const;

export type NftCode = keyof typeof NFT_CODES;
