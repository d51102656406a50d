/**
 * Stable diagnostic codes of the converter (iptables family + ipset → nft), one line each.
 * Documented with an anchor per code in docs/diagnostics.md. Add new codes at the end.
 */
export const TRANSLATE_CODES = {
  // Outcomes of a rule
  'unsupported-match': 'A match module has no nft equivalent here; the rule is kept as a comment.',
  'unsupported-target': 'A target has no nft equivalent here; the rule is kept as a comment.',
  'unsupported-option': 'An option of a module has no nft equivalent; the rule is kept as a comment.',
  'unknown-match': 'The match module is not known to the converter; the rule is kept as a comment.',
  'unknown-target': 'The target is not known to the converter and is not a chain; the rule is kept as a comment.',
  'invalid-value': 'An option value cannot be understood (bad address, port, number...); the rule is kept as a comment.',
  'hostname-not-resolved': 'An address is a host name; the converter does not resolve names.',
  // Neutron and friends: features that need a native alternative
  'checksum-fill-unsupported': 'CHECKSUM --checksum-fill: nft has no statement that fills in a checksum.',
  'physdev-unsupported': '-m physdev has no equivalent in the ip/ip6 families; a bridge-family table matches bridge ports.',
  'physdev-bridge-rewrite': '-m physdev rewritten into a bridge-family rule (--physdev bridge).',
  'ipset-not-found': '-m set names a set that no ipset dump declares; the set is declared empty with an inferred type.',
  'ipset-type-mismatch': 'The ipset dump declares the set with a type that does not fit how the rule uses it.',
  'ipset-unsupported-type': 'The ipset type has no nft set equivalent (list:set, bitmap with options...).',
  'ipset-option-dropped': 'An ipset option (hashsize, maxelem, nomatch...) has no nft counterpart and was dropped.',
  'ct-state-status-split': '--ctstate mixes states and SNAT/DNAT: translated as ct state and ct status tests.',
  'ct-no-entry-split': 'Packets without a conntrack entry pass a conntrack match on their state alone; they get a rule of their own.',
  'tproxy-no-socket': 'TPROXY drops a packet that no socket takes, nft tproxy does not: a second rule drops it.',
  'synproxy-flags': 'SYNPROXY proxies only a bare SYN or ACK; nft synproxy more: the rule tests tcp flags first.',
  'ctstate-nat-negation': '! --ctstate SNAT/DNAT (the reference drops the negation): translated as ct status != ...',
  'connmark-mask-approximated': 'CONNMARK with masks: nft cannot express the exact mask formula; bits outside the mask differ.',
  'comment-quote-replaced': 'nft strings have no escapes: a double quote in a comment was replaced by a single quote.',
  'comment-truncated': 'nft comments hold at most 128 bytes; the comment was cut.',
  'log-option-dropped': 'A LOG/NFLOG option has no nft counterpart and was dropped.',
  'target-option-dropped': 'A target option has no nft counterpart and was dropped.',
  'match-option-dropped': 'A match option has no nft counterpart and was dropped.',
  'recent-unsupported': 'A -m recent feature that nft sets cannot express (--hitcount above 1, --rttl, an inverted --set/--update/--remove, a list shared by several tables).',
  'recent-as-sets': 'A -m recent list became dynamic nft sets, one per age its tests ask for.',
  'recent-hitcount-rate': 'A -m recent --hitcount test became a per-address rate limit.',
  'chain-renamed': 'An iptables chain name that nft cannot read as a chain name (an nft keyword, or characters outside its names) was replaced.',
  'set-renamed': 'An ipset name that nft cannot read as a set name (an nft keyword, or characters outside its names) was replaced.',
  'string-unsupported': '-m string searches the payload; nft has no payload string search.',
  'u32-unsupported': '-m u32: rewrite with raw payload expressions (@nh,OFFSET,LEN).',
  'bpf-unsupported': '-m bpf: nft cannot run classic BPF programs.',
  'address-list-expanded': 'A comma-separated address list became one rule per address, as iptables does.',
  'table-not-translatable': 'A whole table (e.g. ebtables broute) has no nft equivalent.',
  'policy-on-user-chain': 'nft user chains have no policy; an ebtables chain policy became a final rule.',
  'rule-not-parsed': 'The rule has syntax errors; it is kept as a comment.',
  'unknown-protocol': 'A protocol name is not known; it is written as given.',
  'raw-after-conntrack': 'The raw table runs just after conntrack (priority -199) so that CT --helper takes effect; nothing in it needed to run before.',
  'family-line-skipped': 'A `-4` line in an ip6tables dump (or `-6` in iptables) is skipped, as iptables-restore skips it.',
} as const;

export type TranslateCode = keyof typeof TRANSLATE_CODES;
