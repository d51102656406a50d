import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { formatNft } from '../../src/convert/nft/format';

const messy = `#!/usr/sbin/nft -f
flush ruleset
define   lan = { 10.0.0.0/8,192.168.0.0/16 }

table inet filter {
  set blocked { type ipv4_addr ; flags interval ; elements = {1.2.3.4,5.6.7.8} }
chain input {   type filter hook input priority filter ; policy drop
    # established first
ct state established,related accept   # fast path
  ip saddr $lan tcp dport {22,80} accept
  }
}
add rule inet filter input   counter drop
`;

const formatted = `#!/usr/sbin/nft -f
flush ruleset
define lan = { 10.0.0.0/8, 192.168.0.0/16 }

table inet filter {
\tset blocked {
\t\ttype ipv4_addr
\t\tflags interval
\t\telements = { 1.2.3.4, 5.6.7.8 }
\t}

\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\t# established first
\t\tct state established,related accept # fast path
\t\tip saddr $lan tcp dport { 22, 80 } accept
\t}
}
add rule inet filter input counter drop
`;

describe('nft formatter', () => {
  it('lays out a file like nft list ruleset, keeping comments, defines and commands', () => {
    assert.equal(formatNft(messy), formatted);
  });

  it('is idempotent', () => {
    assert.equal(formatNft(formatted), formatted);
    assert.equal(formatNft(formatNft(messy)!), formatNft(messy));
  });

  it('does not format files with syntax errors or with comments it would lose', () => {
    assert.equal(formatNft('table ip t {\n\tchain c {\n\t\tbogus\n\t}\n}\n'), undefined);
    assert.equal(formatNft('table ip t {\n\tflowtable f {\n\t\thook ingress priority 0 # ingress\n\t}\n}\n'), undefined);
  });

  it('keeps one blank line where the author separated rules', () => {
    const text = 'table ip t {\n\tchain c {\n\t\ttcp dport 22 accept\n\n\n\t\t# web\n\t\ttcp dport 80 accept\n\t}\n}\n';
    assert.equal(formatNft(text), 'table ip t {\n\tchain c {\n\t\ttcp dport 22 accept\n\n\t\t# web\n\t\ttcp dport 80 accept\n\t}\n}\n');
  });

  it('reads CRLF files and writes LF', () => {
    assert.equal(formatNft('# hi\r\ntable ip t {\r\n\tchain c {\r\n\t\taccept # y\r\n\t}\r\n}\r\n'), '# hi\ntable ip t {\n\tchain c {\n\t\taccept # y\n\t}\n}\n');
  });

  it('keeps comment lines inside flowtable and object blocks', () => {
    const text = 'table ip t {\n\tflowtable f {\n\t\t# fast path\n\t\thook ingress priority filter\n\t\tdevices = { "lo" }\n\t\t# end\n\t}\n\n\tct helper h {\n\t\t# ftp\n\t\ttype "ftp" protocol tcp\n\t\t# v4\n\t\tl3proto ip\n\t}\n}\n';
    assert.equal(formatNft(text), text);
  });

  it('keeps comment lines inside set blocks before the attribute they precede', () => {
    const text = 'table ip t {\n\tset s {\n\t\t# addresses\n\t\ttype ipv4_addr\n\t\tflags interval # merged\n\t\t# end\n\t}\n}\n';
    assert.equal(formatNft(text), 'table ip t {\n\tset s {\n\t\t# addresses\n\t\ttype ipv4_addr\n\t\tflags interval\t# merged\n\t\t# end\n\t}\n}\n');
  });

  it('keeps comments inside element lists, one element per line', () => {
    const text = 'define admins = { 10.0.0.1, # alice\n\t# ops\n\t10.0.0.2 }\ntable ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 1.2.3.4, # first\n\t\t\t5.6.7.8 }\n\t}\n\tchain c {\n\t\ttcp dport { 22, # ssh\n\t\t80 } accept\n\t}\n}\n';
    const out = formatNft(text);
    assert.equal(
      out,
      'define admins = {\n\t10.0.0.1, # alice\n\t# ops\n\t10.0.0.2\n}\ntable ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = {\n\t\t\t1.2.3.4, # first\n\t\t\t5.6.7.8\n\t\t}\n\t}\n\n\tchain c {\n\t\ttcp dport {\n\t\t\t22, # ssh\n\t\t\t80\n\t\t} accept\n\t}\n}\n',
    );
    assert.equal(formatNft(out!), out);
  });
});

function io(stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr, stdin: input }, out: () => out, err: () => err };
}

describe('nflens fmt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nflens-fmt-'));

  it('prints the formatted file, and --check tells formatted from not', async () => {
    const file = join(dir, 'a.nft');
    writeFileSync(file, messy);
    const s = io();
    assert.equal(await runCli(['fmt', file], s.io), 0);
    assert.equal(s.out(), formatted);
    assert.equal(await runCli(['fmt', '--check', file], io().io), 1);
    writeFileSync(file, formatted);
    assert.equal(await runCli(['fmt', '--check', file], io().io), 0);
  });

  it('rewrites in place with --write and reads standard input with -', async () => {
    const file = join(dir, 'b.nft');
    writeFileSync(file, messy);
    assert.equal(await runCli(['fmt', '--write', file], io().io), 0);
    assert.equal(readFileSync(file, 'utf8'), formatted);
    const s = io(messy);
    assert.equal(await runCli(['fmt', '-'], s.io), 0);
    assert.equal(s.out(), formatted);
  });

  it('prints syntax errors as file:line:col and exits 1; exits 2 on unreadable files and bad usage', async () => {
    const file = join(dir, 'bad.nft');
    writeFileSync(file, 'table ip t {\n\tchain c {\n\t\tbogus\n\t}\n}\n');
    const s = io();
    assert.equal(await runCli(['fmt', '--write', file], s.io), 1);
    assert.match(s.err(), /bad\.nft:3:3: error: unknown statement 'bogus' \[nft-unknown-statement\]/);
    assert.equal(readFileSync(file, 'utf8'), 'table ip t {\n\tchain c {\n\t\tbogus\n\t}\n}\n');
    assert.equal(await runCli(['fmt', join(dir, 'missing.nft')], io().io), 2);
    assert.equal(await runCli(['fmt'], io().io), 2);
  });
});
