// nflens convert: iptables/ip6tables/ebtables/arptables dumps (+ ipset dumps) → native nft.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Diagnostic } from '../convert/ast/common';
import type { Dialect } from '../convert/ast/iptables';
import { detectFormat, siblingIpsetNames, type RulesetFormat } from '../convert/detect';
import { parseIpset } from '../convert/ipset';
import { parseIptablesSave } from '../convert/iptables';
import { convertLargeDump } from '../convert/translate/chunked';
import { convertFiles, isInputError, type ConvertInput, type FileDiagnostic } from '../convert/translate/convert';
import { ipsetsFromFile, type IpsetInfo } from '../convert/translate/sets';
import type { CliCommand } from './commands';
import { EXIT, UsageError, formatDiagnostic, type CliIO } from './io';

const help = `Usage: nflens convert FILE... [options]

Converts iptables-save, ip6tables-save, ebtables-save and arptables-save dumps (formats
detected per file; FILE - reads standard input) into one native nft ruleset on stdout.
ipset dumps given as FILE or with --ipset, or found beside an input (X.ipset-save next to
X.iptables-save), declare the sets that -m set matches use.

Options:
  --ipset FILE              an \`ipset save\` dump (repeatable)
  --style ruleset|script    nested tables like \`nft list ruleset\` (default), or add commands
                            like iptables-restore-translate
  --flush                   ruleset style: start with \`flush ruleset\`
  --merge inet              iptables + ip6tables dumps of one namespace → one inet table per
                            table, rules identical in both families emitted once
  --physdev comment|bridge  -m physdev rules: keep as comments with a diagnostic (default), or
                            rewrite them into a bridge-family table
  --counters, --no-counters keep \`counter\` on every rule (default) or drop it
  --keep-counters           carry [packets:bytes] into \`counter packets N bytes M\`
  --json                    print { "output", "diagnostics", "rules" } instead of the ruleset

Diagnostics go to stderr as FILE:LINE:COL: severity: message [code]
(codes: docs/diagnostics.md).

Exit status: 0 every rule translated; 1 some rule approximated or unsupported; 2 bad
arguments, unreadable or empty files, input that is not a supported dump, syntax errors.
`;

/** Inputs above this size (characters) are converted chunk by chunk when nothing needs the whole file. */
const LARGE_INPUT = 4_000_000;

const DIALECT: Partial<Record<RulesetFormat, Dialect>> = {
  'iptables-save': 'iptables',
  'ip6tables-save': 'ip6tables',
  'ebtables-save': 'ebtables',
  'arptables-save': 'arptables',
};

async function readInput(file: string, io: CliIO): Promise<Buffer> {
  if (file !== '-') return readFileSync(file);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** The first ipset dump found beside `file` (see siblingIpsetNames). */
export function ipsetBeside(file: string): string | undefined {
  return siblingIpsetNames(basename(file))
    .map((name) => join(dirname(file), name))
    .find((p) => existsSync(p));
}

function positionless(message: string, code: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code, message };
}

/** The conversion flags shared by `nflens convert` and `nflens verify`. */
export const CONVERSION_FLAGS = {
  merge: { type: 'string' },
  physdev: { type: 'string' },
  counters: { type: 'boolean' },
  'no-counters': { type: 'boolean' },
} as const;

export interface ConversionFlagOptions {
  merge?: 'inet';
  physdev?: 'comment' | 'bridge';
  counters: boolean;
}

/** Checks the shared conversion flags and maps them to converter options. */
export function conversionOptionsFromFlags(v: { merge?: string; physdev?: string; counters?: boolean; 'no-counters'?: boolean }): ConversionFlagOptions {
  if (v.merge !== undefined && v.merge !== 'inet') throw new UsageError(`--merge takes inet, not '${v.merge}'`);
  if (v.physdev !== undefined && v.physdev !== 'comment' && v.physdev !== 'bridge') throw new UsageError(`--physdev takes comment or bridge, not '${v.physdev}'`);
  if (v.counters && v['no-counters']) throw new UsageError('--counters and --no-counters contradict each other');
  return {
    ...(v.merge ? { merge: 'inet' as const } : {}),
    ...(v.physdev ? { physdev: v.physdev as 'comment' | 'bridge' } : {}),
    counters: !v['no-counters'],
  };
}

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'convert iptables/ip6tables/ebtables/arptables + ipset dumps to native nft',
  help,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: {
          ipset: { type: 'string', multiple: true },
          style: { type: 'string' },
          ...CONVERSION_FLAGS,
          'keep-counters': { type: 'boolean' },
          flush: { type: 'boolean' },
          json: { type: 'boolean' },
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const v = parsed.values;
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('expected at least one FILE');
    if (v.style !== undefined && v.style !== 'ruleset' && v.style !== 'script') throw new UsageError(`--style takes ruleset or script, not '${v.style}'`);
    const flags = conversionOptionsFromFlags(v);
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be given only once');

    const problems: FileDiagnostic[] = [];
    let bad = false;
    const inputs: ConvertInput[] = [];
    const sources: { text: string; dialect: Dialect; name: string }[] = [];
    const ipsets: IpsetInfo[] = [];
    const ipsetFiles = new Set<string>();
    const readIpset = (path: string, text: string) => {
      const f = parseIpset(text);
      for (const d of f.diagnostics) problems.push({ ...d, file: path });
      if (f.diagnostics.some((d) => d.severity === 'error')) bad = true;
      ipsets.push(...ipsetsFromFile(f, path));
      ipsetFiles.add(path);
    };
    for (const path of v.ipset ?? []) {
      try {
        readIpset(path, readFileSync(path, 'utf8'));
      } catch (e) {
        io.stderr.write(`nflens convert: cannot read ${path}: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
    }
    for (const file of files) {
      const name = file === '-' ? '<stdin>' : file;
      let buf: Buffer;
      try {
        buf = await readInput(file, io);
      } catch (e) {
        io.stderr.write(`nflens convert: cannot read ${name}: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
      if (buf.includes(0)) {
        problems.push({ ...positionless(`${name} is a binary file, not a ruleset dump`, 'rule-not-parsed'), file: name });
        bad = true;
        continue;
      }
      const text = buf.toString('utf8');
      if (text.trim() === '') {
        problems.push({ ...positionless(`${name} is empty`, 'rule-not-parsed'), file: name });
        bad = true;
        continue;
      }
      const format = detectFormat(text, file === '-' ? undefined : file);
      if (format === 'ipset') {
        readIpset(name, text);
        continue;
      }
      const dialect = format ? DIALECT[format] : undefined;
      if (!dialect) {
        problems.push({ ...positionless(format === 'nft' ? `${name} is already nft; nothing to convert (try nflens fmt or nflens check)` : `cannot tell the format of ${name}: expected an iptables-save, ip6tables-save, ebtables-save, arptables-save or ipset save dump`, 'rule-not-parsed'), file: name });
        bad = true;
        continue;
      }
      sources.push({ text, dialect, name });
      if (file !== '-') {
        const beside = ipsetBeside(file);
        if (beside && !ipsetFiles.has(beside) && !files.includes(beside)) {
          try {
            readIpset(beside, readFileSync(beside, 'utf8'));
          } catch {
            // not readable: the sets are inferred, with a warning per set
          }
        }
      }
    }
    const opts = {
      style: v.style as 'ruleset' | 'script' | undefined,
      merge: flags.merge,
      physdev: flags.physdev,
      counters: flags.counters,
      keepCounters: !!v['keep-counters'],
      flushRuleset: !!v.flush,
      ipsets,
    };
    // One big dump without per-rule JSON or whole-table rewrites: convert it chunk by chunk.
    const only = sources.length === 1 ? sources[0]! : undefined;
    if (only && only.text.length > LARGE_INPUT && !v.json && !opts.merge && opts.physdev !== 'bridge') {
      const big = convertLargeDump(only.text, only.dialect, opts, only.name);
      io.stdout.write(big.result.output);
      const ds = [...problems, ...big.result.diagnostics];
      if (ds.length) io.stderr.write(ds.map((d) => formatDiagnostic(d.file ?? '<input>', d) + '\n').join(''));
      if (bad || big.inputErrors > 0) return EXIT.usage;
      return big.notTranslated === 0 ? EXIT.ok : EXIT.findings;
    }
    for (const src of sources) {
      const parsedFile = parseIptablesSave(src.text, { dialect: src.dialect });
      if (parsedFile.diagnostics.some((d) => d.severity === 'error') || parsedFile.stray.length > 0) bad = true;
      inputs.push({ file: parsedFile, name: src.name });
    }
    const r = convertFiles(inputs, opts);
    const diagnostics = [...problems, ...r.diagnostics];
    if (v.json) {
      io.stdout.write(JSON.stringify({ output: r.output, diagnostics, rules: r.rules }, null, 2) + '\n');
    } else {
      io.stdout.write(r.output);
    }
    if (diagnostics.length) io.stderr.write(diagnostics.map((d) => formatDiagnostic(d.file ?? '<input>', d) + '\n').join(''));
    if (bad || inputs.length === 0 || r.diagnostics.some(isInputError)) return EXIT.usage;
    return r.rules.every((o) => o.outcome === 'translated') ? EXIT.ok : EXIT.findings;
  },
};
