import { strict as assert } from 'node:assert';
import { analyzeIpset, parseIpset, type IpsetCreate, type IpsetEntryCommand } from '../../src/convert/ipset';

describe('ipset parser', () => {
  it('parses ipset save output with create options and elements split by dimension', () => {
    const f = parseIpset(
      [
        'create NIPv4fc83d7d6-3e24-4a6f-a7a4- hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xa3fa44e0',
        'add NIPv4fc83d7d6-3e24-4a6f-a7a4- 10.0.0.0/24 nomatch',
        'create svc hash:ip,port family inet6 timeout 60 comment counters',
        'add svc fd00::5,tcp:8080 timeout 30 comment "web \\"front\\"" packets 1 bytes 60',
        'create ifs hash:net,iface',
        'add ifs 10.0.0.0/8,physdev:tap1',
        '',
      ].join('\n'),
    );
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(analyzeIpset(f), []);
    const c = f.commands[0] as IpsetCreate;
    assert.equal(c.kind, 'create');
    assert.equal(c.type.text, 'hash:net');
    assert.deepEqual(c.dimensions, ['net']);
    assert.equal(c.family, 'inet');
    assert.deepEqual(c.options.map((o) => [o.name.text, o.value?.text]), [
      ['family', 'inet'],
      ['hashsize', '1024'],
      ['maxelem', '65536'],
      ['bucketsize', '12'],
      ['initval', '0xa3fa44e0'],
    ]);
    const a = f.commands[1] as IpsetEntryCommand;
    assert.equal(a.element!.text, '10.0.0.0/24');
    assert.deepEqual(a.options.map((o) => o.name.text), ['nomatch']);
    const svc = f.commands[3] as IpsetEntryCommand;
    assert.deepEqual(svc.element!.parts.map((p) => [p.dimension, p.text, p.family, p.protocol]), [
      ['ip', 'fd00::5', 6, undefined],
      ['port', 'tcp:8080', undefined, 'tcp'],
    ]);
    assert.deepEqual(svc.element!.parts[1]!.range, { start: { line: 3, character: 16 }, end: { line: 3, character: 24 } });
    assert.equal(svc.options.find((o) => o.name.text === 'comment')!.value!.text, 'web "front"');
    const ifs = f.commands[5] as IpsetEntryCommand;
    assert.deepEqual(ifs.element!.parts.map((p) => [p.dimension, p.physdev]), [['net', undefined], ['iface', true]]);
  });

  it('parses restore-input commands, -exist anywhere and old spellings', () => {
    const f = parseIpset(['create -exist s hash:net family inet', '-A s 10.0.0.5/32', 'swap s t', 'rename t u', 'flush', 'destroy s', 'del -exist s 10.0.0.5/32', ''].join('\n'));
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(f.commands.map((c) => [c.kind, c.exist]), [['create', true], ['add', false], ['swap', false], ['rename', false], ['flush', false], ['destroy', false], ['del', true]]);
  });

  it('reports syntax problems and keeps going', () => {
    const f = parseIpset('bogus\ncreate x\ncreate y hash:what\ncreate z hash:net family inet7 hashsize big\nadd z\nadd z 1.2.3.4 wat\nadd z "broken\nadd z 10.0.0.1\n');
    assert.deepEqual(
      f.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`),
      ['0:0 ipset-unknown-command', '1:0 ipset-missing-argument', '2:9 ipset-unknown-type', '3:25 ipset-invalid-value', '3:40 ipset-invalid-value', '4:4 ipset-missing-argument', '5:14 ipset-unknown-option', '6:6 ipset-unterminated-quote'],
    );
    assert.equal(f.commands.at(-1)!.kind, 'add');
  });

  it('analyses type/element mismatches, undeclared and duplicate sets, missing create options', () => {
    const f = parseIpset(
      [
        'create a hash:ip,port family inet',
        'add a 10.0.0.1,tcp:80,3',
        'add a fd00::1,udp:53',
        'add a 10.0.0.1,tcp:99999',
        'add b 1.2.3.4',
        'create a hash:ip,port',
        'add a 10.0.0.2,80 timeout 5',
        'create m hash:mac',
        'add m zz:zz',
        'create ip hash:ip',
        'add ip 10.0.0.0/24 nomatch',
        'create bm bitmap:port',
        '',
      ].join('\n'),
    );
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(
      analyzeIpset(f).map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`),
      [
        '1:6 ipset-element-mismatch',
        '2:6 ipset-element-mismatch',
        '3:15 ipset-element-mismatch',
        '4:4 ipset-undeclared-set',
        '5:7 ipset-duplicate-set',
        '6:18 ipset-option-not-enabled',
        '8:6 ipset-element-mismatch',
        '10:19 ipset-option-not-enabled',
        '11:10 ipset-missing-range',
      ],
    );
  });

  it('never throws on odd input', () => {
    for (const s of ['', '\n', 'create', 'add', '"', '-exist', '-o', 'swap a', '\u0000\uffff', 'create a list:set\nadd a a,b,c']) assert.equal(parseIpset(s).kind, 'ipset-file');
  });

  it('accepts a broad restore input and what the real ipset save printed after loading it', () => {
    for (const text of [BROAD_IPSET, BROAD_IPSET_SAVED]) {
      const f = parseIpset(text);
      assert.deepEqual([...f.diagnostics, ...analyzeIpset(f)], []);
    }
    const saved = parseIpset(BROAD_IPSET_SAVED);
    const c = saved.commands.find((x) => x.kind === 'add' && x.name.text === 'c' && x.element?.text.includes('icmp')) as IpsetEntryCommand;
    assert.deepEqual(c.element!.parts.map((p) => [p.dimension, p.protocol]), [['ip', undefined], ['port', 'icmp']]);
  });
});

/** Restore input of most set types (hash:mac, hash:ip,mark and hash:net,port,net need modules this kernel lacks). */
const BROAD_IPSET = `create a hash:ip family inet hashsize 1024 maxelem 65536 timeout 300 counters comment
add a 10.0.0.1 timeout 60 packets 5 bytes 300 comment "web server"
create b hash:net family inet6 hashsize 64 maxelem 1000
add b fd00::/64
add b fd00:1::/48 nomatch
create c hash:ip,port family inet
add c 10.0.0.2,tcp:80
add c 10.0.0.3,udp:53
add c 10.0.0.4,icmp:ping
create d hash:net,iface family inet
add d 10.0.0.0/8,eth0
add d 192.168.0.0/16,physdev:tap1
create e bitmap:port range 1-1024
add e 22
add e 80-90
create f list:set size 8
add f a
add f c before a
create g hash:mac
add g 00:11:22:33:44:55
create h hash:ip,mark family inet markmask 0xff
add h 10.0.0.9,0x3
create i bitmap:ip range 10.1.0.0/24
add i 10.1.0.7
create j bitmap:ip,mac range 10.2.0.0-10.2.0.255
add j 10.2.0.1,00:11:22:33:44:55
add j 10.2.0.2
create k hash:net,port,net family inet
add k 10.0.0.0/24,tcp:443,10.1.0.0/24
create l hash:ip family inet skbinfo
add l 10.0.0.1 skbmark 0x10/0xff skbprio 1:10 skbqueue 2
`;

/** `ipset save` (v7.17) after `ipset restore` of BROAD_IPSET without the unsupported types. */
const BROAD_IPSET_SAVED = `create a hash:ip family inet hashsize 1024 maxelem 65536 timeout 300 counters comment bucketsize 12 initval 0xe930a787
add a 10.0.0.1 timeout 59 packets 5 bytes 300 comment "web server"
create b hash:net family inet6 hashsize 64 maxelem 1000 bucketsize 12 initval 0x222ffa18
add b fd00::/64
add b fd00:1::/48 nomatch
create c hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x1ed3aabe
add c 10.0.0.2,tcp:80
add c 10.0.0.3,udp:53
add c 10.0.0.4,icmp:echo-request
create d hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x5009895b
add d 192.168.0.0/16,physdev:tap1
add d 10.0.0.0/8,eth0
create e bitmap:port range 1-1024
add e 22
add e 80
add e 81
add e 82
add e 83
add e 84
add e 85
add e 86
add e 87
add e 88
add e 89
add e 90
create i bitmap:ip range 10.1.0.0-10.1.0.255
add i 10.1.0.7
create j bitmap:ip,mac range 10.2.0.0-10.2.0.255
add j 10.2.0.1,00:11:22:33:44:55
add j 10.2.0.2
create l hash:ip family inet hashsize 1024 maxelem 65536 skbinfo bucketsize 12 initval 0x2dd1990c
add l 10.0.0.1 skbmark 0x10/0xff skbprio 1:10 skbqueue 2
create f list:set size 8
add f c
add f a
`;
