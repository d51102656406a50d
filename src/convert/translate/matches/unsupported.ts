/**
 * Matches and targets with no nft equivalent: what to say about each. Their rules are kept as
 * comments; the message names the feature, why, and the best native alternative.
 */
import type { TranslateCode } from '../codes';

export interface UnsupportedInfo {
  readonly code: TranslateCode;
  readonly message: string;
}

export const KNOWN_UNSUPPORTED_MATCHES: Record<string, UnsupportedInfo> = {
  string: { code: 'string-unsupported', message: '-m string searches the packet payload; nft has no string search. Native alternative: raw payload matches (@th,OFFSET,LEN) for fixed offsets, or an IDS/userspace (queue) for real content inspection' },
  u32: { code: 'u32-unsupported', message: '-m u32 has no nft translation; rewrite each test with raw payload expressions (@nh,OFFSET,LEN / @th,OFFSET,LEN)' },
  bpf: { code: 'bpf-unsupported', message: '-m bpf runs a BPF program; nft cannot run one. Native alternative: rewrite the program as nft expressions, or attach it with tc/XDP' },
  osf: { code: 'unsupported-match', message: '-m osf has no translation here; nft has `osf name "Linux"` (needs the pf.os fingerprints loaded with nfnl_osf)' },
  ipvs: { code: 'unsupported-match', message: '-m ipvs has no nft equivalent (nft cannot see IPVS properties); keep this rule in iptables-nft or match the VIP addresses instead' },
  nfacct: { code: 'unsupported-match', message: '-m nfacct has no nft equivalent; use named counter objects (`counter name`)' },
  rateest: { code: 'unsupported-match', message: '-m rateest has no nft equivalent; use limit/meter statements' },
  eui64: { code: 'unsupported-match', message: '-m eui64 has no nft equivalent' },
  ipv6header: { code: 'unsupported-match', message: '-m ipv6header: use `exthdr TYPE exists` tests, one per header' },
  srh: { code: 'unsupported-match', message: '-m srh: nft has `srh` selectors (srh flags, srh tag, srh sid[N]); rewrite this rule with them' },
  state_old: { code: 'unsupported-match', message: 'unknown state module' },
  set_list: { code: 'unsupported-match', message: 'unknown' },
  stp: { code: 'unsupported-match', message: 'ebtables STP matches have no nft translation; use raw payload tests on the BPDU (@ll,OFFSET,LEN)' },
  '802_3': { code: 'unsupported-match', message: 'ebtables 802.3 matches have no nft translation; use raw payload tests (@ll,OFFSET,LEN)' },
};

export const KNOWN_UNSUPPORTED_TARGETS: Record<string, UnsupportedInfo> = {
  CHECKSUM: {
    code: 'checksum-fill-unsupported',
    message:
      'CHECKSUM --checksum-fill has no nft equivalent: nft has no statement that fills in a checksum. It exists for old DHCP clients (older dhclient versions) that drop replies whose UDP checksum was left to checksum offload on tap/virtio devices, and for DPDK datapaths that do not fill checksums. Alternatives: drop the rule (modern clients accept offloaded checksums), disable TX checksum offload on the interface (`ethtool -K IFACE tx off`), or keep this one rule in iptables-nft (`xt CHECKSUM` via nft_compat)',
  },
  CONNSECMARK: { code: 'unsupported-target', message: 'CONNSECMARK: use `ct secmark set meta secmark` / `meta secmark set ct secmark` with a secmark object' },
  SECMARK: { code: 'unsupported-target', message: 'SECMARK: declare a `secmark` object in the table and use `meta secmark set "name"`' },
  HMARK: { code: 'unsupported-target', message: 'HMARK: use `meta mark set jhash ip saddr . ip daddr mod N offset M`' },
  IDLETIMER: { code: 'unsupported-target', message: 'IDLETIMER has no nft equivalent' },
  LED: { code: 'unsupported-target', message: 'LED has no nft equivalent' },
  RATEEST: { code: 'unsupported-target', message: 'RATEEST has no nft equivalent' },
  CLUSTERIP: { code: 'unsupported-target', message: 'CLUSTERIP was removed from the kernel; use a load balancer or `jhash` with `meta pkttype set host`' },
  DNPT: { code: 'unsupported-target', message: 'DNPT: use `dnat ip6 prefix to ip6 daddr map { ... }`' },
  SNPT: { code: 'unsupported-target', message: 'SNPT: use `snat ip6 prefix to ip6 saddr map { ... }`' },
  ECN: { code: 'unsupported-target', message: 'ECN: use `ip ecn set not-ect` (IP ECN bits); TCP ECE/CWR rewriting has no nft equivalent' },
  TTL: { code: 'unsupported-target', message: 'TTL: use `ip ttl set N` (nft cannot increment or decrement; only set)' },
  HL: { code: 'unsupported-target', message: 'HL: use `ip6 hoplimit set N`' },
  ULOG: { code: 'unsupported-target', message: 'ULOG was removed from the kernel; use `log group N` (NFLOG)' },
  arpreply: { code: 'unsupported-target', message: 'ebtables arpreply has no nft equivalent' },
};
