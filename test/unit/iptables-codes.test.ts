import { strict as assert } from 'node:assert';
import { IPSET_CODES } from '../../src/convert/ipset';
import { IPTABLES_CODES } from '../../src/convert/iptables';
import { NFT_CODES } from '../../src/convert/nft/codes';
import { TRANSLATE_CODES } from '../../src/convert/translate/codes';

describe('diagnostic codes of the iptables-family and ipset checks', () => {
  it('are kebab-case, described, and used by no other area with another meaning', () => {
    const ours = [...Object.entries(IPTABLES_CODES), ...Object.entries(IPSET_CODES)];
    const others = new Set([...Object.keys(NFT_CODES), ...Object.keys(TRANSLATE_CODES)]);
    for (const [code, description] of ours) {
      assert.match(code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(description.length > 15, code);
      assert.ok(!others.has(code), `${code} is also a code of the nft or converter area`);
    }
    assert.equal(new Set(ours.map(([c]) => c)).size, ours.length);
  });
});
