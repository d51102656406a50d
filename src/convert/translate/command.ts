/**
 * Single commands in iptables-translate argument form (`-A INPUT -p tcp --dport 22 -j ACCEPT`)
 * → the lines iptables 1.8.11's iptables-translate / ip6tables-translate / ebtables-translate /
 * arptables-translate print (`nft 'add rule ip filter INPUT tcp dport 22 counter accept'`).
 */
import type { Diagnostic } from '../ast/common';
import type { Dialect } from '../ast/iptables';
import type { Family, SetDecl, ObjectDecl } from '../ast/nft';
import { parseIptablesArgs } from '../iptables';
import { printCommand, printRuleBody } from '../nft/printer';
import { dialectFamily, RuleContext, type ConvertOptions, type Outcome, type TableServices } from './context';
import { translateRuleIn } from './rule';
import { nftIdentifierFor } from '../nft/identifiers';
import { InputFacts } from './prescan';
import { catalogOf, EMPTY_CATALOG, type IpsetInfo } from './sets';

export interface CommandTranslation {
  /** Output lines without newlines, as the reference prints them. */
  readonly lines: string[];
  readonly diagnostics: Diagnostic[];
  /** `invalid` when the arguments could not be parsed. */
  readonly outcome: Outcome | 'invalid';
}

export interface CommandOptions extends ConvertOptions {
  /** The arguments as the shell split them, for the `# ...` line of untranslatable rules. */
  readonly argv?: readonly string[];
  readonly ipsets?: readonly IpsetInfo[];
}

const BASE: Record<string, string> = { PREROUTING: 'prerouting', INPUT: 'input', FORWARD: 'forward', OUTPUT: 'output', POSTROUTING: 'postrouting' };

class CommandServices implements TableServices {
  readonly declared: (SetDecl | ObjectDecl)[] = [];
  private readonly used = new Set<string>();
  readonly chains = new Set<string>();
  readonly chainsKnown = false;
  constructor(
    readonly family: Family,
    readonly tableName: string,
    readonly ipsets: ReturnType<typeof catalogOf>,
    readonly facts: InputFacts = new InputFacts(),
  ) {}
  declare(item: SetDecl | ObjectDecl): string {
    if (!this.declared.some((d) => d.kind === item.kind && d.name === item.name)) this.declared.push(item);
    this.used.add(item.name);
    return item.name;
  }
  chainName(name: string): string {
    return nftIdentifierFor(name);
  }
  freshName(prefix: string): string {
    for (let i = 0; ; i++) {
      if (!this.used.has(`${prefix}${i}`)) {
        this.used.add(`${prefix}${i}`);
        return `${prefix}${i}`;
      }
    }
  }
}

function quoteArgv(argv: readonly string[]): string {
  // A lone `!` is the negation (iptables takes it as its own argument), not text to quote.
  return argv.map((a) => (a !== '!' && (a === '' || /[\s"'\\$`!*?;&|<>(){}]/.test(a)) ? `"${a.replace(/(["\\$`])/g, '\\$1')}"` : a)).join(' ');
}

/** Translates one command. `args` is the argument string (or give `opts.argv`). */
export function translateCommandLine(args: string | readonly string[], dialect: Dialect, opts: CommandOptions = {}): CommandTranslation {
  const argv = typeof args === 'string' ? opts.argv : args;
  const text = typeof args === 'string' ? args : quoteArgv(args);
  const parsed = parseIptablesArgs(text, { dialect });
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const cmd = parsed.command;
  if (!cmd || parsed.diagnostics.some((d) => d.severity === 'error')) return { lines: [], diagnostics, outcome: 'invalid' };
  const family = dialectFamily(dialect);
  const table = parsed.table;
  const chain = cmd.chain ? nftIdentifierFor(cmd.chain.text) : '';
  const head = `${family} ${table}`;
  const plain = argv ? argv.join(' ') : text;
  switch (cmd.kind) {
    case 'new-chain':
      return { lines: [`nft add chain ${head} ${chain}`], diagnostics, outcome: 'translated' };
    case 'delete-chain':
      return { lines: [`nft delete chain ${head} ${chain}`], diagnostics, outcome: 'translated' };
    case 'flush':
      return { lines: [cmd.chain ? `nft flush chain ${head} ${chain}` : `nft flush table ${head}`], diagnostics, outcome: 'translated' };
    case 'rename-chain':
      return { lines: [`nft rename chain ${head} ${chain} ${cmd.newName?.text ?? cmd.index?.text ?? ''}`], diagnostics, outcome: 'translated' };
    case 'policy': {
      const hook = BASE[chain];
      const p = cmd.policy?.text.toLowerCase();
      if (hook && (p === 'accept' || p === 'drop') && family !== 'bridge') {
        const type = table === 'nat' ? 'nat' : table === 'mangle' && chain === 'OUTPUT' ? 'route' : 'filter';
        const prio = table === 'nat' ? (chain === 'PREROUTING' || chain === 'OUTPUT' ? -100 : 100) : table === 'mangle' ? -150 : table === 'raw' ? -300 : table === 'security' ? 50 : 0;
        return { lines: [`nft 'add chain ${head} ${chain} { type ${type} hook ${hook} priority ${prio}; policy ${p}; }'`], diagnostics, outcome: 'translated' };
      }
      diagnostics.push({ range: cmd.range, severity: 'error', code: 'unsupported-option', message: `-P ${chain} ${cmd.policy?.text ?? ''}: not a built-in chain with an accept/drop policy` });
      return { lines: [], diagnostics, outcome: 'unsupported' };
    }
    case 'append':
    case 'insert':
      break;
    default:
      diagnostics.push({ range: cmd.flag.range, severity: 'error', code: 'unsupported-option', message: `${cmd.flag.text}: nft deletes, replaces, checks and zeroes rules by handle; list the chain with \`nft -a list chain ${head} ${chain}\` and use the handle` });
      return { lines: [], diagnostics, outcome: 'unsupported' };
  }
  const services = new CommandServices(family, table, opts.ipsets?.length ? catalogOf(opts.ipsets) : EMPTY_CATALOG, new InputFacts().noteCommands(family, table, [cmd]));
  const ctx = new RuleContext(dialect, family, table, chain, cmd.rule ?? { options: [], matches: [], range: cmd.range }, opts, services);
  const tr = translateRuleIn(ctx);
  diagnostics.push(...ctx.diagnostics);
  if (ctx.outcome === 'unsupported') {
    const comment = dialect === 'ebtables' ? `nft ' # ${plain} ` : `nft # ${plain} `;
    return { lines: [comment], diagnostics, outcome: 'unsupported' };
  }
  const verb = cmd.kind === 'insert' ? 'insert' : 'add';
  const n = cmd.index ? parseInt(cmd.index.text, 10) : 1;
  const index = cmd.kind === 'insert' && n > 1 ? `index ${n - 1} ` : '';
  const lines: string[] = [];
  for (const d of services.declared) lines.push(`nft '${printCommand({ kind: 'command', verb: 'add', object: d.kind === 'object' ? d.objType : d.kind, family, table, name: d.name, decl: d })}'`);
  for (const r of tr.rules) lines.push(`nft '${verb} rule ${head} ${chain} ${index}${printRuleBody(r)}'`);
  return { lines, diagnostics, outcome: ctx.outcome };
}
