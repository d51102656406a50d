/**
 * Every diagnostic code of every area is documented in docs/diagnostics.md: a `### code`
 * section with an `<a id="code"></a>` anchor, which the editor's code links open.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IPSET_CODES } from '../../src/convert/ipset/codes';
import { IPTABLES_CODES } from '../../src/convert/iptables/codes';
import { NFT_CODES } from '../../src/convert/nft/codes';
import { TRANSLATE_CODES } from '../../src/convert/translate/codes';

const TABLES: Record<string, Record<string, string>> = {
  converter: TRANSLATE_CODES,
  nft: NFT_CODES,
  iptables: IPTABLES_CODES,
  ipset: IPSET_CODES,
};

describe('docs/diagnostics.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'diagnostics.md'), 'utf8');

  for (const [area, codes] of Object.entries(TABLES)) {
    it(`has a section with an anchor and an explanation for every ${area} code`, () => {
      const missing: string[] = [];
      for (const code of Object.keys(codes)) {
        const at = doc.indexOf(`### ${code}\n\n<a id="${code}"></a>\n`);
        const next = at < 0 ? -1 : doc.indexOf('\n#', at + 4);
        const body = at < 0 ? '' : doc.slice(at, next < 0 ? undefined : next).split('</a>\n')[1]!.trim();
        if (at < 0) missing.push(`${code}: no "### ${code}" heading followed by its anchor`);
        else if (body.length < 20) missing.push(`${code}: no explanation under its heading`);
      }
      assert.deepEqual(missing, []);
    });
  }

  it('has each anchor once, so a link never lands on the wrong section', () => {
    const anchors = [...doc.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!);
    const twice = anchors.filter((a, i) => anchors.indexOf(a) !== i);
    assert.deepEqual(twice, []);
  });
});
