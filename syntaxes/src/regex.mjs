// Small helpers for writing TextMate (Oniguruma) regexes from word lists.

/** Escapes regex metacharacters in a literal word. */
export function escape(word) {
  return word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A non-capturing alternation of literal words, longest first so that a word
 * never loses to one of its own prefixes.
 */
export function words(list) {
  const unique = [...new Set(list)];
  unique.sort((a, b) => b.length - a.length || a.localeCompare(b));
  return `(?:${unique.map(escape).join('|')})`;
}

/** Removes from `list` every word of `others`. */
export function without(list, ...others) {
  const drop = new Set(others.flat());
  return list.filter((w) => !drop.has(w));
}

/** Checks that every regex in a grammar compiles under JavaScript's engine as a cheap sanity net. */
export function collectRegexes(node, out = []) {
  if (Array.isArray(node)) {
    for (const n of node) collectRegexes(n, out);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end' || k === 'while') && typeof v === 'string') out.push(v);
      else collectRegexes(v, out);
    }
  }
  return out;
}
