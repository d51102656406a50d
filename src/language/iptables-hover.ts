/** Hover text for iptables-save files: options, matches, targets, chains, tables (Markdown, plain data). */
import type { Position, Range } from '../convert/ast/common';
import type { Command, Dialect, IptablesFile, MatchNode, OptionNode, TargetNode, Word } from '../convert/ast/iptables';
import { commandSpec, coreOption, parseIptablesSave, findMatch, findModuleOption, findTarget, implicitProtocolModule, isBuiltinChain, modulesWithOption, type ModuleSpec } from '../convert/iptables/index';
import { CORE_OPTION_NFT, CTSTATE_DOCS, HOOK_DOCS, OPTION_NFT, TABLE_DOCS, VERDICT_DOCS } from './iptables-docs';
import { nftIdentifierFor } from '../convert/nft/identifiers';
import type { NameOccurrence } from './model';
import { declarationsOf, referencesOf } from './navigation';
import { rangeContains } from './text';

export interface HoverResult {
  markdown: string;
  range: Range;
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
const nftLine = (s: string) => `\n\nnft: ${code(s)}`;

function chainHover(dialect: Dialect, table: string, name: Word, names: readonly NameOccurrence[]): HoverResult {
  const target = { kind: 'chain' as const, name: name.text, scope: table };
  const decl = declarationsOf(names, target)[0];
  const uses = referencesOf(names, target, false);
  const rules = uses.filter((n) => n.role === 'rule').length;
  const refs = uses.length - rules;
  const policy = /policy (\S+)/.exec(decl?.detail ?? '')?.[1];
  const lines: string[] = [];
  if (isBuiltinChain(dialect, table, name.text)) {
    lines.push(`**${name.text}** — built-in chain of ${code(table)}: ${HOOK_DOCS[name.text] ?? 'a hook of this table'}.`);
    if (policy) lines.push(`Policy ${code(policy)} applies to packets that reach the end of the chain.`);
    const hook = name.text.toLowerCase();
    const type = table === 'nat' ? 'nat' : 'filter';
    lines.push(`nft: ${code(`chain ${hook} { type ${type} hook ${hook} priority ${table === 'nat' ? (hook === 'postrouting' || hook === 'input' ? 'srcnat' : 'dstnat') : table === 'filter' ? 'filter' : table}; policy ${(policy ?? 'accept').toLowerCase()}; }`)}`);
  } else {
    lines.push(`**${name.text}** — user chain of ${code(table)}.`);
    const nftName = nftIdentifierFor(name.text);
    const renamed = nftName === name.text ? '' : ` (nft cannot read ${code(name.text)} as a chain name: the converter names it ${code(nftName)})`;
    lines.push(`Reached only by ${code('-j')}/${code('-g')} from other rules. nft: ${code(`chain ${nftName} { }`)} and ${code(`jump ${nftName}`)}${renamed}.`);
  }
  lines.push(`${rules} rule${rules === 1 ? '' : 's'} · ${refs} jump${refs === 1 ? '' : 's'}/goto${refs === 1 ? '' : 's'} to it`);
  return { markdown: lines.join('\n\n'), range: name.range };
}

function moduleHover(spec: ModuleSpec, range: Range): HoverResult {
  const kind = spec.kind === 'match' ? `match ${code(`-m ${spec.name}`)}` : `target ${code(`-j ${spec.name}`)}`;
  let md = `**${spec.name}** — ${kind}\n\n${spec.description}`;
  if (spec.tables) md += `\n\nOnly in the ${spec.tables.map(code).join(', ')} table${spec.tables.length > 1 ? 's' : ''}.`;
  if (spec.nft) md += nftLine(spec.nft);
  if (spec.options.length) md += `\n\nOptions: ${spec.options.map((o) => code(`--${o.name}`)).join(' ')}`;
  return { markdown: md, range };
}

/** The nft form of this very option with its arguments, for the options whose translation is plain. */
export function concreteNft(dialect: Dialect, module: string | undefined, opt: OptionNode, protocol: string | undefined): string | undefined {
  const arg = opt.args[0]?.text;
  if (arg === undefined) return undefined;
  const op = opt.negated ? '!= ' : '';
  const fam = dialect === 'ip6tables' ? 'ip6' : 'ip';
  const ports = (v: string) => v.replace(/:/g, '-');
  const list = (v: string) => (v.includes(',') ? `{ ${v.split(',').map(ports).join(', ')} }` : ports(v));
  const q = (v: string) => `"${v.replace(/"/g, "'")}"`;
  switch (`${module ?? ''}.${opt.name}`) {
    case '.source': return `${fam} saddr ${op}${arg}`;
    case '.destination': return `${fam} daddr ${op}${arg}`;
    case '.in-interface': return `iifname ${op}${q(arg.replace(/\+$/, '*'))}`;
    case '.out-interface': return `oifname ${op}${q(arg.replace(/\+$/, '*'))}`;
    case '.protocol': return `meta l4proto ${op}${arg}`;
    case 'conntrack.ctstate':
    case 'state.state': {
      const states = arg.toLowerCase().split(',');
      const nat = states.filter((x) => x === 'snat' || x === 'dnat');
      const plain = states.filter((x) => x !== 'snat' && x !== 'dnat');
      const parts = [plain.length ? `ct state ${op}${plain.join(',')}` : '', nat.length ? `ct status ${op}${nat.join(',')}` : ''].filter(Boolean);
      return parts.join(' ');
    }
    case 'conntrack.ctstatus': return `ct status ${op}${arg.toLowerCase()}`;
    case 'tcp.dport': case 'tcp.destination-port': case 'udp.dport': case 'udp.destination-port':
    case 'tcp.sport': case 'tcp.source-port': case 'udp.sport': case 'udp.source-port':
      return `${module} ${opt.name.startsWith('d') ? 'dport' : 'sport'} ${op}${ports(arg)}`;
    case 'multiport.dports': case 'multiport.destination-ports':
    case 'multiport.sports': case 'multiport.source-ports':
      return `${protocol ?? 'th'} ${opt.name.startsWith('d') ? 'dport' : 'sport'} ${op}${list(arg)}`;
    case 'comment.comment': return `comment ${q(arg)}`;
    case 'set.match-set': {
      const dirs = (opt.args[1]?.text ?? 'src').split(',');
      const fields = dirs.map((d) => `${fam} ${d === 'dst' ? 'daddr' : 'saddr'}`);
      return `${fields.join(' . ')} ${op}@${arg}`;
    }
    case 'mark.mark': case 'connmark.mark': {
      const [value, mask] = arg.split('/');
      const key = module === 'mark' ? 'meta mark' : 'ct mark';
      return mask ? `${key} & ${mask} ${opt.negated ? '!=' : '=='} ${value}` : `${key} ${op}${value}`;
    }
    case 'LOG.log-prefix': return `log prefix ${q(arg)}`;
    case 'SNAT.to-source': return `snat ${fam} to ${arg}`;
    case 'DNAT.to-destination': return `dnat ${fam} to ${arg}`;
    case 'REDIRECT.to-ports': return `redirect to :${ports(arg)}`;
    case 'CT.zone': return `ct zone set ${arg}`;
    case 'CT.helper': return `ct helper set ${q(arg)}`;
    case 'icmp.icmp-type': return `icmp type ${op}${arg}`;
    case 'icmp6.icmpv6-type': return `icmpv6 type ${op}${arg}`;
    case 'physdev.physdev-in': return `iifname ${op}${q(arg.replace(/\+$/, '*'))}   (in a bridge-family table)`;
    case 'physdev.physdev-out': return `oifname ${op}${q(arg.replace(/\+$/, '*'))}   (in a bridge-family table)`;
    default: return undefined;
  }
}

function optionHover(dialect: Dialect, opt: OptionNode, owner: ModuleSpec | undefined, range: Range, pos: Position, protocol?: string): HoverResult | undefined {
  const core = !owner ? coreOption(dialect, opt.flag.text) : undefined;
  if (core) {
    let md = `**${opt.flag.text}** ${opt.flag.text.startsWith('--') ? '' : `(--${core.name})`}\n\n${core.description}`;
    if (core.negatable) md += `\n\nNegate with ${code(`! ${opt.flag.text}`)}.`;
    const nft = CORE_OPTION_NFT[core.name];
    if (nft) md += nftLine(nft);
    const here = concreteNft(dialect, undefined, opt, protocol);
    if (here) md += `\n\nThis rule: ${code(here)}`;
    return { markdown: md, range };
  }
  const spec = owner ?? modulesWithOption(dialect, opt.name)[0];
  const o = spec ? findModuleOption(spec, opt.name) : undefined;
  if (!spec || !o) return undefined;
  let md = `**--${o.name}**${o.argHint ? ` ${code(o.argHint)}` : ''} — option of ${spec.kind === 'match' ? code(`-m ${spec.name}`) : code(`-j ${spec.name}`)}\n\n${o.description}`;
  if (o.negatable) md += `\n\nNegate with ${code(`! --${o.name}`)}.`;
  const nft = OPTION_NFT[`${spec.name}.${o.name}`] ?? OPTION_NFT[`${spec.name}.${opt.name}`] ?? spec.nft;
  if (nft) md += nftLine(nft);
  const here = concreteNft(dialect, spec.name, opt, protocol);
  if (here) md += `\n\nThis rule: ${code(here)}`;
  // Hovering a conntrack state value explains the state.
  if (o.name === 'ctstate' || o.name === 'state') {
    const arg = opt.args.find((a) => rangeContains(a.range, pos));
    if (arg) {
      const states = arg.text.split(',').filter((s) => CTSTATE_DOCS[s.toUpperCase()]);
      if (states.length) md += `\n\n${states.map((s) => `- ${code(s)}: ${CTSTATE_DOCS[s.toUpperCase()]}`).join('\n')}`;
    } else md += `\n\n${Object.entries(CTSTATE_DOCS).slice(0, 5).map(([s, d]) => `- ${code(s)}: ${d}`).join('\n')}`;
  }
  return { markdown: md, range };
}

function optionAt(options: readonly OptionNode[], pos: Position): OptionNode | undefined {
  return options.find((o) => rangeContains(o.range, pos) || rangeContains(o.flag.range, pos) || o.args.some((a) => rangeContains(a.range, pos)));
}

function matchSpec(dialect: Dialect, m: MatchNode, rule: Command['rule']): ModuleSpec | undefined {
  const direct = findMatch(dialect, m.name.text);
  if (direct || m.explicit) return direct;
  const proto = rule?.options.find((o) => o.name === 'protocol')?.args[0]?.text;
  const implied = proto ? implicitProtocolModule(dialect, proto) : undefined;
  return implied ? findMatch(dialect, implied) : undefined;
}

function targetHover(file: IptablesFile, table: string, target: TargetNode, names: readonly NameOccurrence[], pos: Position): HoverResult | undefined {
  const name = target.name.text;
  if (rangeContains(target.name.range, pos) || rangeContains({ start: target.range.start, end: target.name.range.start }, pos)) {
    const verdict = VERDICT_DOCS[name];
    if (verdict) return { markdown: `**${name}** — standard verdict\n\n${verdict.description}${nftLine(verdict.nft)}`, range: target.name.range };
    const spec = findTarget(file.dialect, name);
    const isChain = declarationsOf(names, { kind: 'chain', name, scope: table }).length > 0;
    if (isChain || !spec) {
      const h = chainHover(file.dialect, table, target.name, names);
      const how = target.kind === 'goto'
        ? `${code('-g')} continues in ${name} and does not come back: a RETURN there returns to the caller of this chain.`
        : `${code('-j')} runs ${name} and comes back here when it returns.`;
      return { markdown: `${how}\n\n${h.markdown}`, range: target.name.range };
    }
    return moduleHover(spec, target.name.range);
  }
  const opt = optionAt(target.options, pos);
  if (!opt) return undefined;
  return optionHover(file.dialect, opt, findTarget(file.dialect, name), opt.flag.range, pos);
}

export function iptablesHover(file: IptablesFile, names: readonly NameOccurrence[], pos: Position): HoverResult | undefined {
  for (const table of file.tables) {
    if (pos.line < table.range.start.line || pos.line > table.range.end.line) continue;
    const tname = table.name.text;
    if (rangeContains(table.name.range, pos) || (pos.line === table.name.range.start.line && pos.character <= table.name.range.start.character)) {
      const doc = TABLE_DOCS[tname];
      return { markdown: `**${tname}** table\n\n${doc ?? 'Not a standard table of this family.'}\n\nEnds with ${code('COMMIT')}, which applies the whole table at once.`, range: table.name.range };
    }
    if (table.commit && rangeContains(table.commit, pos)) {
      return { markdown: `**COMMIT** — iptables-restore applies everything since ${code(`*${tname}`)} in one atomic step. nft: the whole file is one transaction (${code('nft -f')}).`, range: table.commit };
    }
    for (const d of table.chains) {
      if (rangeContains(d.name.range, pos)) return chainHover(file.dialect, tname, d.name, names);
      if (rangeContains(d.policy.range, pos)) {
        const p = d.policy.text;
        const md = p === '-' ? 'User chains have no policy: packets that reach the end return to the calling rule.'
          : `**Policy ${p}** — what happens to packets that reach the end of ${d.name.text}.${VERDICT_DOCS[p] ? nftLine(`policy ${VERDICT_DOCS[p]!.nft};`) : ''}`;
        return { markdown: md, range: d.policy.range };
      }
      if (d.counters && rangeContains(d.counters.range, pos)) {
        return { markdown: `Counters of the chain policy: ${d.counters.packets} packets, ${d.counters.bytes} bytes.`, range: d.counters.range };
      }
    }
    for (const c of table.commands) {
      if (pos.line !== c.range.start.line) continue;
      const h = commandHover(file, tname, c, names, pos);
      if (h) return h;
    }
  }
  for (const c of file.stray) {
    if (pos.line !== c.range.start.line) continue;
    const h = commandHover(file, '', c, names, pos);
    if (h) return h;
  }
  return undefined;
}

function commandHover(file: IptablesFile, table: string, c: Command, names: readonly NameOccurrence[], pos: Position): HoverResult | undefined {
  if (rangeContains(c.flag.range, pos)) {
    const spec = commandSpec(c.flag.text);
    if (spec) return { markdown: `**${c.flag.text}** — ${spec.description}${c.kind === 'append' ? nftLine('add rule FAMILY TABLE CHAIN …') : c.kind === 'new-chain' ? nftLine('add chain FAMILY TABLE CHAIN') : ''}`, range: c.flag.range };
  }
  if (c.chain && rangeContains(c.chain.range, pos)) return chainHover(file.dialect, table, c.chain, names);
  const rule = c.rule;
  if (!rule) return undefined;
  if (rule.counters && rangeContains(rule.counters.range, pos)) {
    return { markdown: `Rule counters: ${rule.counters.packets} packets, ${rule.counters.bytes} bytes.${nftLine(`counter packets ${rule.counters.packets} bytes ${rule.counters.bytes}`)}`, range: rule.counters.range };
  }
  const core = optionAt(rule.options, pos);
  const protocol = rule.options.find((o) => o.name === 'protocol')?.args[0]?.text;
  if (core) return optionHover(file.dialect, core, undefined, core.flag.range, pos, protocol);
  for (const m of rule.matches) {
    if (!rangeContains(m.range, pos) && !m.options.some((o) => rangeContains(o.range, pos))) continue;
    const spec = matchSpec(file.dialect, m, rule);
    if (rangeContains(m.name.range, pos) || (m.explicit && pos.character < m.name.range.start.character)) {
      return spec ? moduleHover(spec, m.name.range) : { markdown: `**${m.name.text}** — match module not known to Netfilter Lens.`, range: m.name.range };
    }
    const opt = optionAt(m.options, pos);
    if (opt) return optionHover(file.dialect, opt, spec, opt.flag.range, pos, protocol);
  }
  if (rule.target && rangeContains(rule.target.range, pos)) return targetHover(file, table, rule.target, names, pos);
  if (rule.target && rule.target.options.some((o) => rangeContains(o.range, pos))) return targetHover(file, table, rule.target, names, pos);
  return undefined;
}

/**
 * Hover from the cursor's line alone plus the document's name index, so a 50k-rule dump is
 * not parsed again for every hover: the line is parsed inside its table at its own line number.
 */
export function iptablesHoverOnLine(dialect: Dialect, table: string | undefined, lineText: string, line: number, names: readonly NameOccurrence[], pos: Position): HoverResult | undefined {
  const isHeader = /^\s*\*/.test(lineText);
  const prefix = isHeader || !table || line === 0 ? '\n'.repeat(line) : `*${table}\n${'\n'.repeat(line - 1)}`;
  const file = parseIptablesSave(`${prefix}${lineText}\n`, { dialect });
  return iptablesHover(file, names, pos);
}
