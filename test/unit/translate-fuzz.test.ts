/** Bad input never crashes the converter: random option soups and mutated dumps. */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseIptablesSave } from '../../src/convert/iptables';
import { translateCommandLine } from '../../src/convert/translate/command';
import { convertFiles } from '../../src/convert/translate/convert';

const WORDS = [
  '-A', '-I', '-D', '-N', '-P', '-t', 'nat', 'raw', 'mangle', 'INPUT', 'FORWARD', 'X', '-p', 'tcp', 'udp', 'icmp', 'ipv6-icmp', '!',
  '-s', '-d', '10.0.0.1', '10.0.0.0/8', '::1', 'fe80::/10', '1.2.3.4,5.6.7.8', '-i', '-o', 'eth+', '+', '-m', 'conntrack', '--ctstate',
  'NEW,DNAT', 'state', '--state', 'set', '--match-set', 'S', 'src,dst', 'physdev', '--physdev-in', 'tap1', 'multiport', '--dports', '1:2,3',
  '--dport', '22', '65536', 'icmp', '--icmp-type', '8/0', 'comment', '--comment', '"a \\"b\\""', '-j', 'ACCEPT', 'CT', '--zone', '--helper',
  'ftp', 'CONNMARK', '--save-mark', '--nfmask', '0xffff0000', '--ctmask', 'MARK', '--set-xmark', '0x1/0xff', 'SNAT', '--to-source',
  '1.2.3.4:80-90', 'CHECKSUM', '--checksum-fill', 'LOG', '--log-prefix', 'x', 'hashlimit', '--hashlimit-upto', '10/sec', 'time',
  '--timestart', '25:00', 'limit', '--limit', '0/s', 'mark', '--mark', '/', 'cluster', '--cluster-total-nodes', '0', '-f', '-g', '--',
  // SET, recent, tos, NETMAP, TPROXY, SYNPROXY, statistic, renamed chains
  'recent', '--set', '--rcheck', '--update', '--remove', '--seconds', '60', '--hitcount', '4', '--name', '--rttl', '--reap', '--mask',
  '255.255.255.0', 'SET', '--add-set', '--del-set', '--map-set', '--timeout', '--exist', 'tos', '--tos', '0x10/0x3f', 'Minimize-Delay',
  'NETMAP', '--to', '10.0.0.0/24', 'TPROXY', '--on-port', 'SYNPROXY', '--mss', 'statistic', '--mode', 'nth', '--every', 'dynamic',
  'reject', 'PREROUTING', 'POSTROUTING',
];

describe('converter robustness', () => {
  it('translates random option soups without throwing', () => {
    for (const dialect of ['iptables', 'ip6tables', 'ebtables', 'arptables'] as const) {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 14 }), (words) => {
          const r = translateCommandLine(words, dialect);
          assert.ok(Array.isArray(r.lines));
          if (r.outcome === 'unsupported') assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
        }),
        { numRuns: 250 },
      );
    }
  });

  it('converts mutated dumps without throwing, one outcome per command', () => {
    const base = ['*filter', ':INPUT ACCEPT [0:0]', ':sg - [0:0]', '-A INPUT -j sg', '-A sg -p tcp --dport 22 -j ACCEPT', 'COMMIT'];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...base), fc.array(fc.constantFrom(...WORDS), { maxLength: 10 }).map((w) => w.join(' ')), fc.string({ maxLength: 30 })), { maxLength: 20 }),
        fc.constantFrom('ruleset', 'script'),
        fc.constantFrom('comment', 'bridge'),
        (lines, style, physdev) => {
          const file = parseIptablesSave(lines.join('\n'));
          const r = convertFiles([{ file }], { style: style as 'ruleset' | 'script', physdev: physdev as 'comment' | 'bridge', merge: undefined });
          assert.equal(typeof r.output, 'string');
          for (const o of r.rules) assert.ok(['translated', 'approximated', 'unsupported'].includes(o.outcome));
        },
      ),
      { numRuns: 300 },
    );
  });
});
