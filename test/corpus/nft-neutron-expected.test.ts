/**
 * The reference tools' nft output for the Neutron dumps (iptables-restore-translate and
 * ipset-translate, command style with `# untranslated` comments): it parses, has no
 * errors or warnings, and the formatter leaves its command-style lines exactly as they are.
 * Hints are expected: the reference tools drop the physdev jumps into the per-port
 * security-group chains, and the analysis shows those chains as never jumped to.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNft } from '../../src/convert/nft/analysis';
import { formatNft } from '../../src/convert/nft/format';
import { parseNft } from '../../src/convert/nft/index';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

describe('corpus: neutron *.nft.expected (reference translations, command style)', function () {
  let files: string[] = [];
  before(function () {
    requirePrereqs(this, prereqs.corpus());
    files = readdirSync(join(corpusDir, 'neutron')).filter((f) => f.endsWith('.nft.expected')).sort();
  });

  it('parse without errors, analyse without errors or warnings, and format unchanged', function () {
    assert.ok(files.length > 0, 'no *.nft.expected files in the neutron corpus');
    const failures: string[] = [];
    const unusedChains: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(corpusDir, 'neutron', f), 'utf8');
      const parsed = parseNft(text);
      for (const d of parsed.diagnostics) failures.push(`${f}:${d.range.start.line + 1}: ${d.message} [${d.code}]`);
      for (const d of analyzeNft(parsed.file)) {
        if (d.code === 'nft-unused-chain') unusedChains.push(`${f}:${d.range.start.line + 1}`);
        else failures.push(`${f}:${d.range.start.line + 1}: ${d.message} [${d.code}]`);
      }
      if (formatNft(text) !== text) failures.push(`${f}: the formatter changes it`);
    }
    console.log(`      neutron nft.expected: ${files.length - new Set(failures.map((x) => x.split(':')[0])).size}/${files.length} clean; ${unusedChains.length} chains never jumped to (dropped physdev jumps)`);
    assert.deepEqual(failures, []);
    const sg = files.filter((f) => /^compute-ovs-hybrid-sg.ip6?tables./.test(f));
    for (const f of sg) assert.ok(unusedChains.some((u) => u.startsWith(f)), `${f}: the per-port chains should show as never jumped to`);
  });
});
