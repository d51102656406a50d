/**
 * Checks on a parsed iptables-family file: structure (tables, COMMIT, chains), references
 * (jumps, unused chains), modules and options, literals, and unreachable rules.
 */
import type { Diagnostic, Range, RelatedInformation } from '../ast/common';
import type { Command, Dialect, IptablesFile, OptionNode, Rule, TableBlock, Word } from '../ast/iptables';
import type { IptablesCode } from './codes';
import { coreOptionNames, expectsCommit, isBuiltinChain, maxChainNameLength, STANDARD_VERDICTS, TABLES } from './dialects';
import { addressProblem, macProblem, portListProblem, portRangeProblem, type Family } from './literals';
import { findMatch, findModuleOption, findTarget, modulesWithOption, type ModuleSpec } from './modules';

export interface AnalyzeOptions {
  /** Defaults to the file's dialect. */
  readonly dialect?: Dialect;
  /** Report unused user chains (hints); default true. */
  readonly unusedChains?: boolean;
}

function d(range: Range, severity: Diagnostic['severity'], code: IptablesCode, message: string, extra?: { related?: RelatedInformation[]; data?: Record<string, unknown> }): Diagnostic {
  return extra ? { range, severity, code, message, ...extra } : { range, severity, code, message };
}

function headerRange(t: TableBlock): Range {
  return { start: t.range.start, end: t.name.range.end };
}

const TERMINAL_VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);
/** Commands whose chain must already exist in the table. */
const CHAIN_COMMANDS = new Set(['append', 'insert', 'replace', 'check', 'delete', 'flush', 'zero', 'policy', 'rename-chain']);

/** Options whose arguments are addresses, per dialect: option name → how to check. */
type LiteralKind = 'ip' | 'ip4' | 'ip6' | 'mac' | 'port' | 'portlist';
const CORE_LITERALS: Record<Dialect, Record<string, LiteralKind>> = {
  iptables: { source: 'ip', destination: 'ip' },
  ip6tables: { source: 'ip', destination: 'ip' },
  ebtables: { source: 'mac', destination: 'mac' },
  arptables: { source: 'ip4', destination: 'ip4', 'source-mac': 'mac', 'destination-mac': 'mac' },
};
const MODULE_LITERALS: Record<string, Record<string, LiteralKind>> = {
  tcp: { sport: 'port', 'source-port': 'port', dport: 'port', 'destination-port': 'port' },
  udp: { sport: 'port', 'source-port': 'port', dport: 'port', 'destination-port': 'port' },
  udplite: { sport: 'port', 'source-port': 'port', dport: 'port', 'destination-port': 'port' },
  sctp: { sport: 'port', 'source-port': 'port', dport: 'port', 'destination-port': 'port' },
  dccp: { sport: 'port', 'source-port': 'port', dport: 'port', 'destination-port': 'port' },
  multiport: { sports: 'portlist', 'source-ports': 'portlist', dports: 'portlist', 'destination-ports': 'portlist', ports: 'portlist' },
  mac: { 'mac-source': 'mac' },
  ip: { 'ip-src': 'ip4', 'ip-source': 'ip4', 'ip-dst': 'ip4', 'ip-destination': 'ip4', 'ip-sport': 'port', 'ip-dport': 'port', 'ip-source-port': 'port', 'ip-destination-port': 'port' },
  ip6: { 'ip6-src': 'ip6', 'ip6-source': 'ip6', 'ip6-dst': 'ip6', 'ip6-destination': 'ip6', 'ip6-sport': 'port', 'ip6-dport': 'port', 'ip6-source-port': 'port', 'ip6-destination-port': 'port' },
  arp: { 'arp-ip-src': 'ip4', 'arp-ip-dst': 'ip4', 'arp-mac-src': 'mac', 'arp-mac-dst': 'mac' },
};

function familyOf(dialect: Dialect): Family {
  return dialect === 'ip6tables' ? 6 : 4;
}

function literalProblem(kind: LiteralKind, text: string, dialect: Dialect): { problem: string; code: IptablesCode } | undefined {
  switch (kind) {
    case 'ip':
    case 'ip4':
    case 'ip6': {
      const family: Family = kind === 'ip6' ? 6 : kind === 'ip4' ? 4 : familyOf(dialect);
      for (const part of text.split(',')) {
        const problem = addressProblem(part, family);
        if (problem) return { problem, code: 'invalid-address' };
      }
      return undefined;
    }
    case 'mac': {
      const problem = macProblem(text);
      return problem ? { problem, code: 'invalid-address' } : undefined;
    }
    case 'port': {
      const problem = portRangeProblem(text);
      return problem ? { problem, code: 'invalid-port' } : undefined;
    }
    case 'portlist': {
      const problem = portListProblem(text);
      return problem ? { problem, code: 'invalid-port' } : undefined;
    }
  }
}

function checkLiterals(options: readonly OptionNode[], kinds: Record<string, LiteralKind> | undefined, dialect: Dialect, out: Diagnostic[]): void {
  if (!kinds) return;
  for (const o of options) {
    const kind = kinds[o.name];
    const arg = o.args[0];
    if (!kind || !arg) continue;
    const p = literalProblem(kind, arg.text, dialect);
    if (p) out.push(d(arg.range, 'error', p.code, p.problem));
  }
}

function canonicalOptionName(spec: ModuleSpec | undefined, name: string): string {
  return (spec && findModuleOption(spec, name)?.name) ?? name;
}

function checkDuplicates(options: readonly OptionNode[], spec: ModuleSpec | undefined, where: string, out: Diagnostic[]): void {
  if (options.length < 2) return;
  const seen = new Map<string, OptionNode>();
  for (const o of options) {
    const key = canonicalOptionName(spec, o.name);
    const first = seen.get(key);
    if (first) out.push(d(o.flag.range, 'error', 'duplicate-option', `${o.flag.text} is given twice ${where}`, { related: [{ message: 'first given here', range: first.flag.range }] }));
    else seen.set(key, o);
  }
}

function ownersText(dialect: Dialect, name: string): string | undefined {
  const owners = modulesWithOption(dialect, name);
  if (owners.length === 0) return undefined;
  const forms = owners.slice(0, 6).map((m) => (m.kind === 'target' ? `-j ${m.name}` : m.implicit ? m.name : `-m ${m.name}`));
  const protoModules = owners.filter((m) => m.kind === 'match' && ['tcp', 'udp', 'sctp', 'dccp', 'udplite', 'icmp', 'icmp6', 'esp', 'ah', 'mh'].includes(m.name));
  const hint = protoModules.length ? ` (or -p ${protoModules.map((m) => m.name).join('/')})` : '';
  return `${forms.join(', ')}${owners.length > 6 ? ', ...' : ''}${hint}`;
}

function analyzeRule(rule: Rule, dialect: Dialect, out: Diagnostic[]): void {
  const core = coreOptionNames(dialect);
  // Options the parser could not give to any module.
  const coreOpts: OptionNode[] = [];
  for (const o of rule.options) {
    if (core.has(o.name)) {
      coreOpts.push(o);
      continue;
    }
    const owners = ownersText(dialect, o.name);
    if (owners) out.push(d(o.flag.range, 'error', 'option-without-module', `${o.flag.text} belongs to ${owners}, which this rule does not load`, { data: { option: o.name } }));
    else out.push(d(o.flag.range, 'error', 'unknown-option', `unknown option ${o.flag.text}`));
  }
  checkDuplicates(coreOpts, undefined, 'in this rule', out);
  checkLiterals(coreOpts, CORE_LITERALS[dialect], dialect, out);

  const checkModuleOptions = (m: { name: Word; options: readonly OptionNode[] }, spec: ModuleSpec | undefined, label: string) => {
    if (!spec) return;
    for (const o of m.options) {
      if (findModuleOption(spec, o.name)) continue;
      const owners = ownersText(dialect, o.name);
      if (owners) out.push(d(o.flag.range, 'error', 'option-without-module', `${o.flag.text} is not an option of ${label}; it belongs to ${owners}`, { data: { option: o.name } }));
      else out.push(d(o.flag.range, 'warning', 'unknown-option', `${o.flag.text} is not an option of ${label}`));
    }
    checkDuplicates(m.options, spec, `to ${label}`, out);
  };

  for (const m of rule.matches) {
    const spec = findMatch(dialect, m.name.text);
    if (!spec && m.explicit) out.push(d(m.name.range, 'warning', 'unknown-match-module', `unknown match module '${m.name.text}'`));
    checkModuleOptions(m, spec, m.explicit ? `-m ${m.name.text}` : m.name.text);
    checkLiterals(m.options, MODULE_LITERALS[m.name.text], dialect, out);
  }
  const t = rule.target;
  if (t) checkModuleOptions(t, findTarget(dialect, t.name.text), `-j ${t.name.text}`);
}

/**
 * What iptables or the kernel refuses in one rule, wherever it is: a target outside its tables,
 * a match or target outside its hooks (in a built-in chain), a port or TCP reset without its
 * protocol, a jump to a built-in chain. The converter keeps such a rule as a comment with these
 * errors (nft would refuse most of them too).
 */
export function ruleRefusals(rule: Rule, dialect: Dialect, table: string, chain: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const t = rule.target;
  const spec = t ? findTarget(dialect, t.name.text) : undefined;
  if (t && spec?.tables && !spec.tables.includes(table)) {
    out.push(d(t.name.range, 'error', 'target-not-allowed-in-table', `${t.name.text} can only be used in the ${spec.tables.join(' or ')} table${spec.tables.length > 1 ? 's' : ''}, not in ${table}`));
  }
  checkProtocolNeeds(rule, out);
  if (chain && isBuiltinChain(dialect, table, chain)) checkHooks(rule, table, chain, dialect, out);
  if (t && isBuiltinChain(dialect, table, t.name.text)) out.push(d(t.name.range, 'error', 'jump-to-builtin-chain', `cannot ${t.kind} to the built-in chain ${t.name.text}`));
  return out;
}

/** Built-in chains (hooks) where a match or target works; elsewhere the kernel refuses the rule. */
const MATCH_HOOKS: Record<string, readonly string[]> = {
  owner: ['OUTPUT', 'POSTROUTING'],
  rpfilter: ['PREROUTING'],
  mac: ['PREROUTING', 'INPUT', 'FORWARD'],
};
const TARGET_HOOKS: Record<string, readonly string[]> = {
  DNAT: ['PREROUTING', 'OUTPUT'],
  SNAT: ['POSTROUTING', 'INPUT'],
  MASQUERADE: ['POSTROUTING'],
  REDIRECT: ['PREROUTING', 'OUTPUT'],
  TPROXY: ['PREROUTING'],
  REJECT: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** Checks that only apply when the rule sits directly in a built-in chain. */
function checkHooks(rule: Rule, table: string, chain: string, dialect: Dialect, out: Diagnostic[]): void {
  if (dialect !== 'iptables' && dialect !== 'ip6tables') return;
  for (const m of rule.matches) {
    const hooks = m.explicit ? MATCH_HOOKS[m.name.text] : undefined;
    if (hooks && !hooks.includes(chain)) out.push(d(m.name.range, 'error', 'not-allowed-in-chain', `-m ${m.name.text} only works in ${hooks.join(', ')}, not in ${chain}`, { data: { match: m.name.text } }));
  }
  const t = rule.target;
  const hooks = t && t.kind === 'jump' ? TARGET_HOOKS[t.name.text] : undefined;
  const wrongTable = t ? findTarget(dialect, t.name.text)?.tables?.includes(table) === false : false;
  if (t && hooks && !wrongTable && !hooks.includes(chain)) out.push(d(t.name.range, 'error', 'not-allowed-in-chain', `${t.name.text} only works in ${hooks.join(', ')}, not in ${chain}`, { data: { target: t.name.text } }));
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', '6', '17', '132', '33', '136']);

/** A NAT address with a port: `1.2.3.4:80`, `1.2.3.4-1.2.3.9:1-9`, `[fd00::1]:80`. */
function natHasPort(arg: string): boolean {
  if (arg.startsWith('[')) return /\]:/.test(arg);
  return !arg.includes('::') && (arg.match(/:/g) ?? []).length === 1;
}

/** Options the kernel refuses without the right protocol match (`tcp-reset`, NAT ports). */
function checkProtocolNeeds(rule: Rule, out: Diagnostic[]): void {
  const t = rule.target;
  if (!t) return;
  const proto = rule.options.find((o) => o.name === 'protocol');
  const protoName = proto && !proto.negated ? proto.args[0]?.text.toLowerCase() : undefined;
  if (t.name.text === 'REJECT') {
    const withOpt = t.options.find((o) => o.name === 'reject-with');
    if (withOpt?.args[0]?.text === 'tcp-reset' && protoName !== 'tcp' && protoName !== '6') out.push(d(withOpt.flag.range, 'error', 'needs-protocol', '--reject-with tcp-reset needs -p tcp'));
    return;
  }
  if (!['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT'].includes(t.name.text)) return;
  for (const o of t.options) {
    const arg = o.args[0]?.text;
    if (!arg) continue;
    const withPort = o.name === 'to-ports' || ((o.name === 'to-destination' || o.name === 'to-source' || o.name === 'to') && natHasPort(arg));
    if (withPort && !(protoName && PORT_PROTOCOLS.has(protoName))) out.push(d(o.flag.range, 'error', 'needs-protocol', `${o.flag.text} with a port needs -p tcp, udp, sctp or dccp`));
  }
}

function isUnconditional(rule: Rule): boolean {
  if (rule.options.length > 0) return false;
  return rule.matches.every((m) => m.explicit && m.name.text === 'comment' && m.options.every((o) => o.name === 'comment' && !o.negated));
}

function isTerminal(rule: Rule, dialect: Dialect): boolean {
  const t = rule.target;
  if (!t) return false;
  if (t.kind === 'goto') return true;
  if (TERMINAL_VERDICTS.has(t.name.text)) return true;
  if (dialect === 'ebtables' || dialect === 'arptables') return false;
  const spec = findTarget(dialect, t.name.text);
  return !!spec?.terminal;
}

interface ChainInfo {
  readonly name: Word;
  readonly builtin: boolean;
  referenced: boolean;
}

function analyzeTable(t: TableBlock, dialect: Dialect, opts: AnalyzeOptions, out: Diagnostic[]): void {
  const tableName = t.name.text;
  const known = TABLES[dialect];
  if (tableName && !known[tableName]) {
    out.push(d(t.name.range, 'error', 'unknown-table', `'${tableName}' is not a ${dialect} table (${Object.keys(known).join(', ')})`));
  }
  if (expectsCommit(dialect) && !t.commit) {
    out.push(d(headerRange(t), 'error', 'missing-commit', `table ${tableName} is not closed with COMMIT; iptables-restore would not apply it`));
  }
  const limit = maxChainNameLength(dialect);
  const chains = new Map<string, ChainInfo>();
  for (const b of known[tableName] ?? []) chains.set(b, { name: { text: b, quoted: false, range: headerRange(t) }, builtin: true, referenced: true });

  /** Chains named by a `:NAME` line or created by -N/-E; built-ins may be declared once. */
  const declared = new Map<string, Word>();
  const declare = (name: Word) => {
    const first = declared.get(name.text);
    if (first) {
      out.push(d(name.range, 'error', 'duplicate-chain', `chain ${name.text} is already declared in table ${tableName}`, { related: [{ message: 'first declared here', range: first.range }] }));
      return;
    }
    declared.set(name.text, name);
    const builtin = isBuiltinChain(dialect, tableName, name.text);
    if (!chains.has(name.text)) chains.set(name.text, { name, builtin, referenced: false });
    if (!builtin && name.text.length > limit) {
      out.push(d(name.range, 'error', 'chain-name-too-long', `chain name ${name.text} has ${name.text.length} characters; the kernel accepts at most ${limit}`, { data: { limit } }));
    }
  };
  for (const c of t.chains) {
    declare(c.name);
    const builtin = isBuiltinChain(dialect, tableName, c.name.text);
    const policy = c.policy.text;
    if (!policy) continue;
    if (!builtin && policy !== '-' && dialect !== 'ebtables') {
      out.push(d(c.policy.range, 'error', 'user-chain-policy', `user chain ${c.name.text} cannot have a policy; use -`));
    } else if (builtin && policy !== '-' && !['ACCEPT', 'DROP'].includes(policy)) {
      out.push(d(c.policy.range, 'error', 'invalid-policy', `policy ${policy} is not ACCEPT or DROP`));
    } else if (!builtin && dialect === 'ebtables' && !['ACCEPT', 'DROP', 'RETURN', '-'].includes(policy)) {
      out.push(d(c.policy.range, 'error', 'invalid-policy', `policy ${policy} is not ACCEPT, DROP or RETURN`));
    }
  }
  for (const c of t.commands) {
    if (c.kind === 'new-chain' && c.chain) {
      if (isBuiltinChain(dialect, tableName, c.chain.text)) out.push(d(c.chain.range, 'error', 'duplicate-chain', `${c.chain.text} is a built-in chain of table ${tableName}`));
      else declare(c.chain);
    }
    if (c.kind === 'rename-chain' && c.newName) declare(c.newName);
  }

  const verdicts = STANDARD_VERDICTS[dialect];
  // Rules per chain in file order, for the unreachable-rule check.
  const appended = new Map<string, Command[]>();
  const reordered = new Set<string>();
  for (const c of t.commands) {
    const chainName = c.chain?.text;
    if (c.kind === 'policy' && c.chain) {
      if (!isBuiltinChain(dialect, tableName, c.chain.text) && dialect !== 'ebtables') out.push(d(c.chain.range, 'error', 'user-chain-policy', `only built-in chains have a policy; ${c.chain.text} is a user chain`));
      if (c.policy && !['ACCEPT', 'DROP'].includes(c.policy.text) && !(dialect === 'ebtables' && c.policy.text === 'RETURN')) out.push(d(c.policy.range, 'error', 'invalid-policy', `policy ${c.policy.text} is not ACCEPT or DROP`));
    }
    if (chainName && CHAIN_COMMANDS.has(c.kind) && !chains.has(chainName)) {
      out.push(d(c.chain!.range, 'error', 'undefined-chain', `chain ${chainName} is not declared in table ${tableName}`, { data: { chain: chainName } }));
    }
    if (c.kind === 'append' && chainName) {
      const list = appended.get(chainName) ?? [];
      list.push(c);
      appended.set(chainName, list);
    } else if (chainName && (c.kind === 'insert' || c.kind === 'delete' || c.kind === 'replace' || c.kind === 'flush')) reordered.add(chainName);
    const rule = c.rule;
    if (!rule) continue;
    analyzeRule(rule, dialect, out);
    out.push(...ruleRefusals(rule, dialect, tableName, chainName));
    const target = rule.target;
    if (!target) continue;
    const name = target.name.text;
    const chain = chains.get(name);
    if (chain || isBuiltinChain(dialect, tableName, name)) {
      if (chain) chain.referenced = true;
      continue;
    }
    if (verdicts.includes(name) || findTarget(dialect, name)) continue;
    const looksLikeTarget = (dialect === 'iptables' || dialect === 'ip6tables') && /^[A-Z][A-Z0-9_]*$/.test(name);
    if (looksLikeTarget && target.kind === 'jump') out.push(d(target.name.range, 'warning', 'unknown-target-module', `unknown target ${name} (and no chain of that name in table ${tableName})`));
    else out.push(d(target.name.range, 'error', 'undefined-chain', `${target.kind === 'goto' ? 'goto' : 'jump'} to undefined chain ${name}`, { data: { chain: name } }));
  }

  for (const [chainName, list] of appended) {
    if (reordered.has(chainName)) continue;
    let shadow: Command | undefined;
    for (const c of list) {
      if (shadow) {
        out.push(d(c.range, 'warning', 'unreachable-rule', `this rule is never reached: an earlier rule in ${chainName} ends every packet's path`, { related: [{ message: 'unconditional verdict here', range: shadow.range }] }));
        continue;
      }
      if (c.rule && isUnconditional(c.rule) && isTerminal(c.rule, dialect)) shadow = c;
    }
  }

  if (opts.unusedChains !== false) {
    for (const [name, info] of chains) {
      if (!info.builtin && !info.referenced) out.push(d(info.name.range, 'hint', 'unused-chain', `chain ${name} is never jumped to`));
    }
  }
}

/** All analysis diagnostics of a parsed file (its syntax diagnostics are not repeated). */
export function analyzeIptables(file: IptablesFile, opts: AnalyzeOptions = {}): Diagnostic[] {
  const dialect = opts.dialect ?? file.dialect;
  const out: Diagnostic[] = [];
  for (const c of file.stray) out.push(d(c.range, 'error', 'rule-outside-table', 'this command is outside any table; add a *table header before it'));
  for (const t of file.tables) analyzeTable(t, dialect, opts, out);
  return out;
}
