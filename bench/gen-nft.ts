/** Generator of large Neutron-like nft rulesets for benchmarks and performance checks. */

/** A Neutron-like nft ruleset: per-port chains with address sets, ct state, port matches, jumps. */
export function generateRuleset(rules: number): string {
  const lines = ['table inet neutron {', '\tset allowed {', '\t\ttype ipv4_addr', '\t\tflags interval', '\t\telements = { 10.0.0.0/8, 192.168.0.0/16 }', '\t}', ''];
  lines.push('\tchain input {', '\t\ttype filter hook input priority filter; policy accept;');
  const perChain = 20;
  const chains = Math.ceil(rules / perChain);
  for (let c = 0; c < chains; c++) lines.push(`\t\tiifname "tap${c.toString(16).padStart(8, '0')}" jump port-${c}`);
  lines.push('\t}');
  let n = 0;
  for (let c = 0; c < chains && n < rules; c++) {
    lines.push('', `\tchain port-${c} {`);
    for (let r = 0; r < perChain && n < rules; r++, n++) {
      const k = n % 5;
      if (k === 0) lines.push('\t\tct state established,related counter packets 0 bytes 0 accept');
      else if (k === 1) lines.push(`\t\tip saddr 10.${c & 255}.${r}.0/24 tcp dport { 22, 80, 443 } counter packets 0 bytes 0 accept comment "sg rule ${n}"`);
      else if (k === 2) lines.push(`\t\tip6 saddr fd00::${(n & 0xffff).toString(16)} udp dport 1000-2000 accept`);
      else if (k === 3) lines.push('\t\tip saddr @allowed meta l4proto icmp icmp type echo-request limit rate 10/second burst 5 packets accept');
      else lines.push('\t\tct state invalid log prefix "drop: " level info drop');
    }
    lines.push('\t}');
  }
  lines.push('}', '');
  return lines.join('\n');
}
