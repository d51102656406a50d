import { strict as assert } from 'node:assert';
import { allModules, findMatch, findModuleOption, findTarget, implicitModuleForOption, MODULES, modulesWithOption } from '../../src/convert/iptables';
import type { Dialect } from '../../src/convert/ast/iptables';

describe('iptables module registry', () => {
  it('has consistent entries: descriptions, argument counts, unique option names per module', () => {
    for (const m of MODULES) {
      assert.ok(m.description.length > 10, `${m.name} needs a description`);
      assert.ok(m.dialects.length > 0, m.name);
      const names = new Set<string>();
      for (const o of m.options) {
        assert.ok(o.args[0] >= 0 && o.args[0] <= o.args[1] && o.args[1] <= 2, `${m.name} --${o.name} argument counts`);
        assert.ok(o.description.length > 2, `${m.name} --${o.name} description`);
        for (const n of [o.name, ...o.aliases]) {
          assert.ok(!names.has(n), `${m.name}: --${n} listed twice`);
          names.add(n);
        }
      }
    }
  });

  it('finds modules and options the way the parser needs them', () => {
    assert.equal(findMatch('iptables', 'tcp')!.kind, 'match');
    assert.equal(findMatch('iptables', 'icmp6'), undefined, 'icmp6 is ip6tables only');
    assert.equal(findMatch('ip6tables', 'icmp6')!.name, 'icmp6');
    assert.equal(findTarget('iptables', 'dnat')!.name, 'DNAT', 'target lookups ignore case');
    assert.equal(findTarget('ebtables', 'dnat')!.name, 'dnat');
    assert.deepEqual(findModuleOption(findMatch('iptables', 'tcp')!, 'destination-port')!.name, 'dport');
    assert.deepEqual(findModuleOption(findMatch('iptables', 'tcp')!, 'tcp-flags')!.args, [2, 2]);
    assert.deepEqual(findModuleOption(findMatch('iptables', 'physdev')!, 'physdev-is-bridged')!.args, [0, 0]);
    assert.equal(implicitModuleForOption('ebtables', 'arp-ip-src')!.name, 'arp');
    assert.equal(implicitModuleForOption('iptables', 'arp-ip-src'), undefined);
    assert.deepEqual(modulesWithOption('iptables', 'dport').map((m) => m.name).sort(), ['dccp', 'sctp', 'tcp', 'udp', 'udplite']);
  });

  it('covers every module Neutron uses', () => {
    const neutron: [Dialect, string, 'match' | 'target'][] = [
      ['iptables', 'physdev', 'match'], ['iptables', 'comment', 'match'], ['iptables', 'state', 'match'], ['iptables', 'conntrack', 'match'],
      ['iptables', 'set', 'match'], ['iptables', 'mac', 'match'], ['iptables', 'multiport', 'match'], ['iptables', 'mark', 'match'],
      ['iptables', 'connmark', 'match'], ['iptables', 'icmp', 'match'], ['ip6tables', 'icmp6', 'match'],
      ['iptables', 'CT', 'target'], ['iptables', 'CHECKSUM', 'target'], ['iptables', 'CONNMARK', 'target'], ['iptables', 'MARK', 'target'],
      ['iptables', 'SNAT', 'target'], ['iptables', 'DNAT', 'target'], ['iptables', 'REDIRECT', 'target'], ['ebtables', 'among', 'match'], ['ebtables', 'arp', 'match'],
    ];
    for (const [dialect, name, kind] of neutron) {
      const spec = kind === 'match' ? findMatch(dialect, name) : findTarget(dialect, name);
      assert.ok(spec, `${dialect} ${kind} ${name}`);
    }
    assert.ok(allModules('arptables').some((m) => m.name === 'mangle'));
  });
});
