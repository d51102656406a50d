/** Every converter diagnostic code is documented with an anchor in docs/diagnostics.md. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSLATE_CODES } from '../../src/convert/translate/codes';

describe('converter diagnostic codes', () => {
  it('are kebab-case and each has a section with an anchor in docs/diagnostics.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'diagnostics.md'), 'utf8');
    for (const code of Object.keys(TRANSLATE_CODES)) {
      assert.match(code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(doc.includes(`<a id="${code}"></a>`), `docs/diagnostics.md lacks an anchor for ${code}`);
      assert.ok(doc.includes(`### ${code}\n`), `docs/diagnostics.md lacks a section for ${code}`);
    }
  });
});
