import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../../src/convert/ast/iptables';
import { analyzeIpset, parseIpset } from '../../src/convert/ipset';
import { analyzeIptables, parseIptablesSave } from '../../src/convert/iptables';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

const dir = join(corpusDir, 'neutron');

function files(re: RegExp): string[] {
  return readdirSync(dir).filter((f) => re.test(f)).sort();
}

/** `$ command` headers of a restore-input log, each with the stdin that followed it. */
function logSections(text: string): { command: string; body: string; line: number }[] {
  const out: { command: string; body: string; line: number }[] = [];
  const lines = text.split('\n');
  let current: { command: string; body: string[]; line: number } | undefined;
  lines.forEach((l, i) => {
    if (l.startsWith('$ ')) {
      if (current) out.push({ command: current.command, body: current.body.join('\n'), line: current.line });
      current = { command: l.slice(2), body: [], line: i + 2 };
    } else current?.body.push(l);
  });
  if (current) out.push({ command: current.command, body: current.body.join('\n'), line: current.line });
  return out;
}

describe('corpus/neutron parses', function () {
  before(function () {
    requirePrereqs(this, prereqs.corpus());
  });

  it('every iptables-save / ip6tables-save dump: zero syntax errors, rule count = -A lines, no analysis errors', () => {
    const names = files(/\.ip6?tables-save$/);
    let passed = 0;
    let rules = 0;
    for (const f of names) {
      const text = readFileSync(join(dir, f), 'utf8');
      const dialect: Dialect = f.endsWith('.ip6tables-save') ? 'ip6tables' : 'iptables';
      const file = parseIptablesSave(text, { dialect });
      assert.deepEqual(file.diagnostics, [], `${f}: syntax diagnostics`);
      const count = file.tables.reduce((n, t) => n + t.commands.filter((c) => c.kind === 'append' && c.rule).length, 0);
      const expected = text.split('\n').filter((l) => l.startsWith('-A ')).length;
      assert.equal(count, expected, `${f}: rules`);
      assert.equal(file.stray.length, 0, `${f}: commands outside tables`);
      const errors = analyzeIptables(file).filter((d) => d.severity === 'error');
      assert.deepEqual(errors, [], `${f}: analysis errors`);
      rules += count;
      passed++;
    }
    console.log(`      neutron dumps parsed: ${passed}/${names.length} files, ${rules} rules`);
    assert.ok(names.length >= 6);
  });

  it('every ipset dump: zero syntax or analysis errors', () => {
    const names = files(/\.ipset-save$/);
    let elements = 0;
    for (const f of names) {
      const file = parseIpset(readFileSync(join(dir, f), 'utf8'));
      assert.deepEqual(file.diagnostics, [], f);
      assert.deepEqual(analyzeIpset(file).filter((d) => d.severity === 'error'), [], f);
      elements += file.commands.filter((c) => c.kind === 'add').length;
    }
    console.log(`      ipset dumps parsed: ${names.length}/${names.length} files, ${elements} elements`);
    assert.ok(names.length >= 1);
  });

  it('every iptables-restore / ipset restore input Neutron issued parses without errors', () => {
    let sections = 0;
    let commands = 0;
    for (const f of files(/\.neutron-restore-input\.log$/)) {
      for (const s of logSections(readFileSync(join(dir, f), 'utf8'))) {
        if (/^ip6?tables-restore\b/.test(s.command)) {
          const dialect: Dialect = s.command.startsWith('ip6') ? 'ip6tables' : 'iptables';
          const file = parseIptablesSave(s.body, { dialect });
          assert.deepEqual(file.diagnostics, [], `${f}:${s.line}`);
          // -n (noflush) input refers to chains of the running tables, so only structural errors count.
          const errors = analyzeIptables(file).filter((d) => d.severity === 'error' && d.code !== 'undefined-chain');
          assert.deepEqual(errors, [], `${f}:${s.line}`);
          commands += file.tables.reduce((n, t) => n + t.commands.length, 0);
          sections++;
        } else if (/^ipset restore\b/.test(s.command)) {
          const file = parseIpset(s.body);
          assert.deepEqual(file.diagnostics, [], `${f}:${s.line}`);
          assert.deepEqual(analyzeIpset(file).filter((d) => d.severity === 'error'), [], `${f}:${s.line}`);
          commands += file.commands.length;
          sections++;
        }
      }
    }
    console.log(`      restore inputs parsed: ${sections} sections, ${commands} commands`);
    assert.ok(sections >= 20);
  });
});
