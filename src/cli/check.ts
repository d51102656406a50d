// nflens check: parses and analyses rulesets of any supported format and prints diagnostics.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Diagnostic } from '../convert/ast/common';
import type { Dialect } from '../convert/ast/iptables';
import { detectFormat, RULESET_FORMATS, type RulesetFormat } from '../convert/detect';
import { analyzeIpset, parseIpset } from '../convert/ipset';
import { analyzeIptables, parseIptablesSave } from '../convert/iptables';
import { parseNft } from '../convert/nft/index';
import { analyzeNft } from '../convert/nft/analysis';
import type { CliCommand } from './commands';
import { EXIT, UsageError, formatDiagnostic, type CliIO } from './io';

const help = `Usage: nflens check FILE... [--format FORMAT] [--no-hints]

Parses each FILE, runs the checks for its format and prints every diagnostic as
  file:line:col: severity: message [code]
The format is detected per file (header comments, content, file name) unless --format
is given: ${RULESET_FORMATS.join(', ')}. FILE - reads standard input.

Options:
  --format FORMAT   treat every FILE as FORMAT
  --no-hints        do not print hints (e.g. unused chains)
  --quiet           print nothing, only set the exit status

Exit status: 0 no errors (warnings and hints allowed); 1 at least one error;
2 bad arguments, unreadable file, or a file whose format cannot be detected.
`;

const DIALECT: Partial<Record<RulesetFormat, Dialect>> = {
  'iptables-save': 'iptables',
  'ip6tables-save': 'ip6tables',
  'ebtables-save': 'ebtables',
  'arptables-save': 'arptables',
};

/** Every diagnostic (syntax and analysis) of a text in a known format, sorted by position. */
export function checkText(text: string, format: RulesetFormat, fileName?: string): Diagnostic[] {
  let out: Diagnostic[];
  const dialect = DIALECT[format];
  if (dialect) {
    const file = parseIptablesSave(text, { dialect });
    out = [...file.diagnostics, ...analyzeIptables(file)];
  } else if (format === 'ipset') {
    const file = parseIpset(text);
    out = [...file.diagnostics, ...analyzeIpset(file)];
  } else {
    const readFile = (p: string): string | undefined => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    };
    const r = parseNft(text, fileName ? { fileName, readFile } : {});
    out = [...r.diagnostics, ...analyzeNft(r.file, { includes: r.includes })];
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

async function readInput(file: string, io: CliIO): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'check iptables-save, ip6tables-save, ebtables/arptables-save, nft and ipset files',
  help,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], allowPositionals: true, options: { format: { type: 'string' }, 'no-hints': { type: 'boolean' }, quiet: { type: 'boolean' } } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('expected at least one FILE');
    const forced = parsed.values.format;
    if (forced !== undefined && !RULESET_FORMATS.includes(forced as RulesetFormat)) throw new UsageError(`unknown format '${forced}' (${RULESET_FORMATS.join(', ')})`);
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be given only once');
    let errors = 0;
    let unreadable = false;
    for (const file of files) {
      const name = file === '-' ? '<stdin>' : file;
      let text: string;
      try {
        text = await readInput(file, io);
      } catch (e) {
        io.stderr.write(`nflens check: cannot read ${name}: ${(e as Error).message}\n`);
        unreadable = true;
        continue;
      }
      const format = (forced as RulesetFormat | undefined) ?? detectFormat(text, file === '-' ? undefined : file);
      if (!format) {
        io.stderr.write(`nflens check: cannot tell the format of ${name}; use --format (${RULESET_FORMATS.join(', ')})\n`);
        unreadable = true;
        continue;
      }
      const diags = checkText(text, format, file === '-' ? undefined : file).filter((d) => !(parsed.values['no-hints'] && d.severity === 'hint'));
      errors += diags.filter((d) => d.severity === 'error').length;
      if (!parsed.values.quiet) for (const d of diags) io.stdout.write(formatDiagnostic(name, d) + '\n');
    }
    if (unreadable) return EXIT.usage;
    return errors > 0 ? EXIT.findings : EXIT.ok;
  },
};
