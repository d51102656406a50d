/**
 * Quoting and token images of iptables-save lines and command arguments, without Chevrotain:
 * the hand scanner's path needs these, the Chevrotain lexer (lexer.ts) only for unusual lines.
 */

/** Value of a file-mode word: quotes removed, `\x` inside quotes gives x. */
export function unquoteFileWord(raw: string): { text: string; quoted: boolean } {
  const q = raw.indexOf('"');
  if (q < 0) return { text: raw, quoted: false };
  // Common case `"text"` without escapes: one slice instead of a string built char by char.
  if (q === 0 && raw.length >= 2 && raw.indexOf('"', 1) === raw.length - 1 && raw.indexOf('\\') < 0) return { text: raw.slice(1, -1), quoted: true };
  let out = '';
  let inQuote = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inQuote) {
      if (c === '\\' && i + 1 < raw.length) out += raw[++i];
      else if (c === '"') inQuote = false;
      else out += c;
    } else if (c === '"') inQuote = true;
    else out += c;
  }
  return { text: out, quoted: true };
}

/** Value of a shell word: POSIX rules for `'...'`, `"..."` and backslashes. */
export function unquoteShellWord(raw: string): { text: string; quoted: boolean } {
  if (!/["'\\]/.test(raw)) return { text: raw, quoted: false };
  let out = '';
  let i = 0;
  let quoted = false;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "'") {
      quoted = true;
      const end = raw.indexOf("'", i + 1);
      const stop = end < 0 ? raw.length : end;
      out += raw.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      quoted = true;
      i++;
      while (i < raw.length && raw[i] !== '"') {
        if (raw[i] === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw[i + 1]!)) i++;
        out += raw[i];
        i++;
      }
      i++;
    } else if (c === '\\' && i + 1 < raw.length) {
      quoted = true;
      out += raw[i + 1];
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, quoted };
}

/** A token's image without the blanks the lexer folded into it. */
export function tokenText(image: string): string {
  const end = tokenLength(image);
  return end === image.length ? image : image.slice(0, end);
}

/** Length of a token's image without the folded blanks (no string allocated). */
export function tokenLength(image: string): number {
  let end = image.length;
  while (end > 0) {
    const c = image.charCodeAt(end - 1);
    if (c === 32 || c === 9 || c === 12 || c === 11) end--;
    else break;
  }
  return end;
}
