import { strict as assert } from 'node:assert';
import { cover, range } from '../../src/convert/ast/common';

describe('ranges', () => {
  it('cover spans both ranges', () => {
    assert.deepEqual(cover(range(1, 4, 1, 9), range(0, 2, 1, 5)), range(0, 2, 1, 9));
  });
});
