// nflens fmt: prints an nft file formatted like `nft list ruleset` (or rewrites it with --write).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from './commands';
import { EXIT, UsageError, formatDiagnostic, type CliIO } from './io';
import { formatNftWithReason } from '../convert/nft/format';
import { parseNft } from '../convert/nft/index';

const help = `Usage: nflens fmt FILE [--write | --check]

Formats an nft ruleset file the way \`nft list ruleset\` lays it out: tab indentation,
nested blocks, canonical spacing. Comments, defines, includes and command-style lines
(add/insert/delete/flush ...) stay where they are. FILE - reads standard input.

A file with syntax errors is not formatted: its errors are printed instead.

Options:
  --write    rewrite FILE in place (only when the formatting changes it)
  --check    print nothing; exit 1 when FILE is not formatted

Exit status: 0 formatted (or already formatted with --check); 1 syntax errors, or not
formatted with --check; 2 bad arguments or unreadable file.
`;

async function readInput(file: string, io: CliIO): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export const fmtCommand: CliCommand = {
  name: 'fmt',
  summary: 'format an nft file (print, --write in place, --check)',
  help,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], allowPositionals: true, options: { write: { type: 'boolean' }, check: { type: 'boolean' } } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const files = parsed.positionals;
    if (files.length !== 1) throw new UsageError('expected exactly one FILE');
    if (parsed.values.write && parsed.values.check) throw new UsageError('--write and --check exclude each other');
    const file = files[0]!;
    if (parsed.values.write && file === '-') throw new UsageError('--write needs a file, not standard input');
    let text: string;
    try {
      text = await readInput(file, io);
    } catch (e) {
      io.stderr.write(`nflens fmt: cannot read ${file}: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    const result = formatNftWithReason(text);
    if (result.text === undefined) {
      const name = file === '-' ? '<stdin>' : file;
      const errors = parseNft(text).diagnostics.filter((d) => d.severity === 'error');
      for (const d of errors) io.stderr.write(formatDiagnostic(name, d) + '\n');
      io.stderr.write(`nflens fmt: ${name} not formatted: ${result.reason}\n`);
      return EXIT.findings;
    }
    if (parsed.values.check) return result.text === text ? EXIT.ok : EXIT.findings;
    if (parsed.values.write) {
      if (result.text !== text) writeFileSync(file, result.text);
      return EXIT.ok;
    }
    io.stdout.write(result.text);
    return EXIT.ok;
  },
};
