import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Dialect } from '../../src/convert/ast/iptables';
import { detectFormat } from '../../src/convert/detect';
import { analyzeIpset, parseIpset } from '../../src/convert/ipset';
import { analyzeIptables, parseIptablesArgs, parseIptablesSave, printIptablesSave } from '../../src/convert/iptables';
import { corpusDir } from '../support/prereq';

/** Drops ranges so two ASTs can be compared by content. */
function withoutRanges(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutRanges);
  if (x && typeof x === 'object') {
    if ('start' in x && 'end' in x && Object.keys(x).length === 2) return 'range';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'range' && k !== 'negation' && !(k === 'text' && 'kind' in x && 'flag' in x)) out[k] = withoutRanges(v);
    return out;
  }
  return x;
}

/** Bounded time per input: a guard against hangs, not a speed assertion. */
const LIMIT_MS = 2000;

/** Inputs of 100 KB get a proportionally larger (still hang-catching) budget. */
function limitFor(input: string): number {
  return LIMIT_MS * Math.max(1, Math.ceil(input.length / 20000));
}

function timed<T>(what: string, input: string, f: () => T): T {
  const start = performance.now();
  const r = f();
  const ms = performance.now() - start;
  assert.ok(ms < limitFor(input), `${what} took ${ms.toFixed(0)} ms on ${input.length} characters: ${JSON.stringify(input.slice(0, 200))}`);
  return r;
}

const DIALECTS: Dialect[] = ['iptables', 'ip6tables', 'ebtables', 'arptables'];

/** Every parser and checker of this area on one input; none may throw. */
function exercise(text: string): void {
  for (const dialect of DIALECTS) {
    const f = timed(`parseIptablesSave(${dialect})`, text, () => parseIptablesSave(text, { dialect }));
    timed('analyzeIptables', text, () => analyzeIptables(f));
    timed('printIptablesSave', text, () => printIptablesSave(f));
    timed('parseIptablesArgs', text, () => parseIptablesArgs(text, { dialect }));
  }
  const s = timed('parseIpset', text, () => parseIpset(text));
  timed('analyzeIpset', text, () => analyzeIpset(s));
  timed('detectFormat', text, () => detectFormat(text, 'x.rules'));
}

/** Seeds: the Neutron dumps and a few hand-written lines of each dialect (the corpus when present). */
function seeds(): string[] {
  const out = [
    '*filter\n:INPUT ACCEPT [0:0]\n[1:2] -A INPUT ! -s 10.0.0.0/8 -p tcp -m tcp --dport ! 22 -m comment --comment "a \\"b\\"" -j ACCEPT\nCOMMIT\n',
    '*nat\n:PREROUTING ACCEPT\n:neutronARP-tap1 DROP\n-A PREROUTING -p ARP -i tap1 --arp-ip-src 10.0.0.5 --among-src fa:16:3e:11:22:33 -j neutronARP-tap1\n',
    '*filter\n:INPUT ACCEPT\n-A INPUT -j mangle -d 10.0.0.1 --mangle-ip-s 10.0.0.2 --src-mac 01:02:03:04:05:06\n',
    'create s hash:ip,port family inet timeout 60 comment\nadd s 10.0.0.1,tcp:80 timeout 5 comment "x y"\nswap s t\n',
  ];
  const dir = join(corpusDir, 'neutron');
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (/-save$/.test(f)) out.push(readFileSync(join(dir, f), 'utf8'));
  return out;
}

const INTERESTING = ['"', "'", '\\', '!', ' ! ', '-', '--', '\n', '\r\n', '\t', '[', ']', ':', '*', '#', ',', '/', '=', '-A ', '-m ', '-j ', '-p tcp ', 'COMMIT\n', '*filter\n', '\u0000', '\u00a0', '\ud800', '𝄞'];

/** A random edit of a seed: delete, insert, duplicate or swap slices. */
const mutation = fc.record({
  seed: fc.nat(),
  edits: fc.array(
    fc.record({
      kind: fc.constantFrom('delete', 'insert', 'duplicate', 'truncate'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      len: fc.nat({ max: 40 }),
      piece: fc.oneof(fc.constantFrom(...INTERESTING), fc.string({ maxLength: 8 })),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

function applyMutation(seedsList: string[], m: { seed: number; edits: { kind: string; at: number; len: number; piece: string }[] }): string {
  let s = seedsList[m.seed % seedsList.length]!;
  for (const e of m.edits) {
    const at = Math.floor(e.at * s.length);
    switch (e.kind) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + e.len);
        break;
      case 'insert':
        s = s.slice(0, at) + e.piece + s.slice(at);
        break;
      case 'duplicate':
        s = s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at);
        break;
      default:
        s = s.slice(0, at);
    }
  }
  return s;
}

describe('fuzz: iptables-family and ipset parsers never throw or hang', function () {
  this.timeout(120000);
  const seedList = seeds();

  it('mutated seed files (corpus dumps when present)', () => {
    fc.assert(
      fc.property(mutation, (m) => {
        exercise(applyMutation(seedList, m));
      }),
      { numRuns: 150 },
    );
  });

  it('random strings and random bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400, unit: 'binary' }), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1'))), (text) => {
        exercise(text);
      }),
      { numRuns: 200 },
    );
  });

  it('token soup built from the dialects\' own words', () => {
    const words = ['-A', 'INPUT', '-I', '1', '-D', '-N', '-P', 'DROP', '-s', '-d', '!', '-p', 'tcp', '-m', 'tcp', '--dport', '22', '-j', '-g', 'ACCEPT', 'RETURN', '--tcp-flags', 'SYN', '-c', '5', '[0:0]', '"x y"', '--physdev-is-bridged', '--comment', 'COMMIT', '*filter', ':X', '-', '--ip-src', '--among-src', '--src-mac', 'create', 'add', 'hash:net', 'family', 'inet6', 'timeout', 'nomatch', '\n'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 60 }), (ws) => {
        exercise(ws.join(' '));
      }),
      { numRuns: 300 },
    );
  });

  it('a clean parse prints to text that parses to the same AST', () => {
    fc.assert(
      fc.property(mutation, (m) => {
        const text = applyMutation(seedList, m);
        for (const dialect of DIALECTS) {
          const a = parseIptablesSave(text, { dialect });
          if (a.diagnostics.length > 0) continue;
          const printed = printIptablesSave(a);
          const b = parseIptablesSave(printed, { dialect });
          assert.deepEqual(b.diagnostics, [], `re-parse of ${JSON.stringify(printed.slice(0, 300))}`);
          assert.deepEqual(withoutRanges(b.tables), withoutRanges(a.tables));
          assert.deepEqual(withoutRanges(b.stray), withoutRanges(a.stray));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a pathological long line stays fast', () => {
    const line = `-A INPUT ${'! -s 1.2.3.4 '.repeat(5000)}${'"'.repeat(3001)} ${'-m x '.repeat(5000)}\n`;
    exercise(`*filter\n${line}COMMIT\n`);
    // Many modules on one line: option owner lookup must stay linear.
    for (const unit of ['-m x --y ', '-m tcp --foo ', '-p tcp -m comment --comment a --dport 1 ']) exercise(`*filter\n-A INPUT ${unit.repeat(5000)}\nCOMMIT\n`);
    exercise(`create ${'-a '.repeat(20000)}`);
    exercise('!'.repeat(100000));
    exercise('"'.repeat(100001));
    exercise('\n'.repeat(100000));
  });
});
