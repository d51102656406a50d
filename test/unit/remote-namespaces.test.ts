import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  assertValidNamespaceName,
  buildNamespaceListing,
  classifyNamespace,
  InvalidNamespaceNameError,
  isValidNamespaceName,
  parseNetnsList,
} from '../../src/remote/namespaces';
import { inNamespace } from '../../src/remote/rulesets';

const UUID = '0391ee86-3c1e-4d7b-9a57-4d4f2e1b7c11';

describe('network namespaces', () => {
  it('classifies Neutron names with short labels', () => {
    const cases: [string | null, string, string][] = [
      [null, 'root', 'root namespace'],
      [`qrouter-${UUID}`, 'router', 'qrouter-0391ee86'],
      [`snat-${UUID}`, 'snat', 'snat-0391ee86'],
      [`fip-${UUID}`, 'floating-ip', 'fip-0391ee86'],
      [`qdhcp-${UUID}`, 'dhcp', 'qdhcp-0391ee86'],
      [`ovnmeta-${UUID}`, 'metadata', 'ovnmeta-0391ee86'],
      ['qrouter-notauuid', 'router', 'qrouter-notauuid'],
      ['qrouter-', 'other', 'qrouter-'],
      ['cni-1234', 'other', 'cni-1234'],
    ];
    for (const [name, kind, label] of cases) {
      const c = classifyNamespace(name);
      assert.equal(c.kind, kind, String(name));
      assert.equal(c.shortLabel, label, String(name));
    }
    assert.equal(classifyNamespace(`qdhcp-${UUID}`).id, UUID);
  });

  it('accepts the names Neutron and common tools create', () => {
    for (const n of [`qrouter-${UUID}`, `ovnmeta-${UUID}`, 'cni-4f3a', 'netns_1.a', 'a'.repeat(255)]) assert.ok(isValidNamespaceName(n), n);
  });

  it('refuses names that could reach a shell, with a reason', () => {
    for (const n of ['x;rm -rf /', 'qrouter-x$(id)', 'a b', '`id`', "it's", '-n', '.hidden', '', 'a\nb', 'ü', 'a'.repeat(256), '../x']) {
      assert.ok(!isValidNamespaceName(n), JSON.stringify(n));
      assert.throws(() => assertValidNamespaceName(n), InvalidNamespaceNameError);
      assert.throws(() => inNamespace(n, ['iptables-save']), InvalidNamespaceNameError);
    }
  });

  it('only ever puts valid names into ip netns exec', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (name) => {
        try {
          const argv = inNamespace(name, ['iptables-save']);
          assert.match(argv[3]!, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
        } catch (err) {
          assert.ok(err instanceof InvalidNamespaceNameError);
        }
      }),
    );
    assert.deepEqual(inNamespace(null, ['nft', 'list', 'ruleset']), ['nft', 'list', 'ruleset']);
  });

  it('parses ip netns list in JSON and text form', () => {
    assert.deepEqual(parseNetnsList('[{"name":"qrouter-a","id":0},{"name":"x;id"}]\n'), ['qrouter-a', 'x;id']);
    assert.deepEqual(parseNetnsList('qrouter-a (id: 0)\nqdhcp-b\n'), ['qrouter-a', 'qdhcp-b']);
    assert.deepEqual(parseNetnsList(''), []);
    assert.throws(() => parseNetnsList('[{"name":'));
  });

  it('puts the root namespace first and refused names apart', () => {
    const listing = buildNamespaceListing([`qrouter-${UUID}`, 'x;id', 'cni-1']);
    assert.deepEqual(
      listing.namespaces.map((n) => n.name),
      [null, `qrouter-${UUID}`, 'cni-1'],
    );
    assert.deepEqual(listing.rejected.map((r) => r.name), ['x;id']);
    assert.match(listing.rejected[0]!.reason, /";"/);
  });
});
