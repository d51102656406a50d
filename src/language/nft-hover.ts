/** Hover text for nft files: keywords and fields (from nft-docs.ts) and declared names. */
import type { Position } from '../convert/ast/common';
import type { HoverResult } from './iptables-hover';
import type { NameOccurrence } from './model';
import { declarationsOf, nameAt, referencesOf } from './navigation';
import { NFT_DOCS, type NftDoc } from './nft-docs';
import type { NftTokens } from './nft-index';
import type { Token } from './nft-scan';

const UNQUALIFIED_META = new Set(['iifname', 'oifname', 'iif', 'oif', 'iiftype', 'oiftype', 'mark', 'skuid', 'skgid', 'nftrace', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'rtclassid', 'ibrname', 'obrname', 'time', 'day', 'hour']);
const LINE_BREAKS = new Set(['newline', 'semicolon', 'lcurly', 'rcurly']);

function render(word: string, doc: NftDoc): string {
  return `**${word}** — ${doc.text}${doc.example ? `\n\n\`\`\`nft\n${doc.example}\n\`\`\`` : ''}`;
}

/** The words before token `i` in the same statement, skipping earlier items of a comma list. */
function wordsBefore(toks: readonly Token[], i: number): string[] {
  const out: string[] = [];
  for (let k = i - 1; k >= 0; k--) {
    const t = toks[k]!;
    if (LINE_BREAKS.has(t.kind)) break;
    if (t.kind === 'comma') {
      k--; // the list item before the comma
      continue;
    }
    if (t.kind === 'word') out.unshift(t.image);
    else break;
    if (out.length >= 3) break;
  }
  return out;
}

export function docFor(word: string, before: readonly string[]): { key: string; doc: NftDoc } | undefined {
  const keys: string[] = [];
  const n = before.length;
  if (n >= 2) keys.push(`${before[n - 2]}.${before[n - 1]}.${word}`);
  if (n >= 1) keys.push(`${before[n - 1]}.${word}`);
  if (n === 0 && UNQUALIFIED_META.has(word)) keys.push(`meta.${word}`);
  if (n >= 1 && (before[n - 1] === 'set' || before[n - 1] === 'map') && word === 'set') keys.push('set_stmt');
  keys.push(word);
  for (const key of keys) {
    const doc = NFT_DOCS[key];
    if (doc) return { key, doc };
  }
  return undefined;
}

function nameHover(tokens: NftTokens, names: readonly NameOccurrence[], occ: NameOccurrence): HoverResult {
  const decl = declarationsOf(names, occ)[0];
  const refs = referencesOf(names, occ, false).length;
  const what = occ.kind === 'variable' ? `variable $${occ.name}` : `${decl?.detail ?? occ.kind} ${occ.name}`;
  let md = `**${what}**${occ.scope ? ` in table ${occ.scope}` : ''}`;
  if (decl?.declarationRange) {
    const lines = tokens.lines;
    const r = decl.declarationRange;
    const text = lines.text.slice(lines.offset(r.start), lines.offset(r.end)).split('\n');
    const shown = text.slice(0, 12).join('\n') + (text.length > 12 ? '\n…' : '');
    md += `\n\n\`\`\`nft\n${shown}\n\`\`\``;
  } else if (occ.kind !== 'table') md += `\n\nNot declared in this file.`;
  md += `\n\n${refs} reference${refs === 1 ? '' : 's'}`;
  return { markdown: md, range: occ.range };
}

export function nftHover(tokens: NftTokens, names: readonly NameOccurrence[], pos: Position): HoverResult | undefined {
  const occ = nameAt(names, pos);
  if (occ) return nameHover(tokens, names, occ);
  const offset = tokens.lines.offset(pos);
  const toks = tokens.tokens;
  const i = tokens.indexAt(offset + 1) - 1;
  const t = toks[i];
  if (!t || t.kind !== 'word' || t.start + t.image.length < offset) return undefined;
  const found = docFor(t.image, wordsBefore(toks, i));
  if (!found) return undefined;
  return { markdown: render(t.image, found.doc), range: tokens.lines.range(t.start, t.start + t.image.length) };
}
