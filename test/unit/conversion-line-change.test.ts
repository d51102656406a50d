import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineChange, type TextChange } from '../../src/views/conversion/model';

const apply = (text: string, c: TextChange | undefined) => (c ? text.slice(0, c.start) + c.text + text.slice(c.end) : text);

describe('conversion view: output updates as one line-aligned change', () => {
  it('finds nothing to send for equal texts', () => {
    assert.equal(lineChange('a\nb\n', 'a\nb\n'), undefined);
    assert.equal(lineChange('', ''), undefined);
  });

  it('replaces only the changed line of a big output', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `add rule ip filter INPUT tcp dport ${i} accept`);
    const before = lines.join('\n') + '\n';
    lines[12345] = 'add rule ip filter INPUT tcp dport 60000 accept';
    const after = lines.join('\n') + '\n';
    const c = lineChange(before, after)!;
    assert.equal(c.text, 'add rule ip filter INPUT tcp dport 60000 accept\n');
    assert.equal(before.slice(c.start, c.end), 'add rule ip filter INPUT tcp dport 12345 accept\n');
    assert.equal(apply(before, c), after);
  });

  it('inserts and removes whole lines', () => {
    const ins = lineChange('a\nb\nc\n', 'a\nb\nx\ny\nc\n')!;
    assert.deepEqual(ins, { start: 4, end: 4, text: 'x\ny\n' });
    const del = lineChange('a\nb\nx\ny\nc\n', 'a\nb\nc\n')!;
    assert.deepEqual(del, { start: 4, end: 8, text: '' });
  });

  it('starts and ends the replaced range on line boundaries', () => {
    const c = lineChange('chain a {\n\tip saddr 10.0.0.1 accept\n}\n', 'chain a {\n\tip saddr 10.0.0.2 accept\n}\n')!;
    assert.deepEqual(c, { start: 10, end: 36, text: '\tip saddr 10.0.0.2 accept\n' });
  });

  it('always turns the old text into the new one, with line-aligned starts (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'ab', '', 'x'.repeat(5000), 'y'.repeat(4096)), { maxLength: 12 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const c = lineChange(before, after);
        assert.equal(apply(before, c), after);
        if (c) {
          assert.ok(c.start === 0 || before[c.start - 1] === '\n', 'starts at a line start');
          assert.ok(c.end === c.start || c.end === before.length || before[c.end - 1] === '\n', 'ends at a line start (or at the end)');
          assert.ok(c.start <= c.end);
        }
      }),
      { numRuns: 500 },
    );
  });
});
