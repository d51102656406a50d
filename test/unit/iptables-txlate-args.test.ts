import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../../src/convert/ast/iptables';
import { analyzeIptables, parseIptablesArgs, printCommand } from '../../src/convert/iptables';
import type { IptablesFile } from '../../src/convert/ast/iptables';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

const PREFIX = /^(iptables|ip6tables|ebtables|arptables)-translate\s+(.*)$/;

describe('every txlate input line parses (corpus/txlate)', function () {
  before(function () {
    requirePrereqs(this, prereqs.corpus());
  });

  it('parses all iptables/ip6tables/ebtables/arptables-translate lines without syntax errors', () => {
    const dir = join(corpusDir, 'txlate');
    let count = 0;
    const failures: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.txlate'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const m = PREFIX.exec(line);
        if (!m) continue;
        count++;
        const r = parseIptablesArgs(m[2]!, { dialect: m[1] as Dialect });
        if (r.diagnostics.length > 0 || !r.command) failures.push(`${file}: ${line}: ${r.diagnostics.map((d) => d.code).join(', ') || 'no command'}`);
        else {
          // Printing and re-parsing keeps the command (the printer uses iptables-save order).
          const again = parseIptablesArgs(printCommand(r.command), { dialect: m[1] as Dialect });
          if (again.diagnostics.length > 0) failures.push(`${file}: re-parse of printed form failed: ${line}`);
        }
      }
    }
    console.log(`      txlate argument lines parsed: ${count - failures.length}/${count}`);
    assert.ok(count > 300, `expected the txlate corpus to have more than 300 lines, found ${count}`);
    assert.deepEqual(failures, []);
  });

  it('the module registry knows every match, target and option the txlate cases use', () => {
    const dir = join(corpusDir, 'txlate');
    const problems: string[] = [];
    const codes = new Set(['unknown-option', 'option-without-module', 'unknown-match-module', 'duplicate-option', 'invalid-address', 'invalid-port']);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.txlate'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const m = PREFIX.exec(line);
        if (!m) continue;
        const dialect = m[1] as Dialect;
        const r = parseIptablesArgs(m[2]!, { dialect });
        const cmd = r.command!;
        const name = { text: r.table, quoted: false, range: cmd.range };
        const single: IptablesFile = { kind: 'iptables-file', dialect, tables: [{ name, chains: [], commands: [cmd], commit: cmd.range, range: cmd.range }], stray: [], comments: [], diagnostics: [], range: cmd.range };
        for (const d of analyzeIptables(single, { unusedChains: false })) if (codes.has(d.code)) problems.push(`${file}: ${m[2]}: ${d.code}: ${d.message}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
