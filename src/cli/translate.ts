// Drop-in replacements for iptables 1.8.11's translation tools: iptables-translate,
// ip6tables-translate, ebtables-translate, arptables-translate, iptables-restore-translate,
// ip6tables-restore-translate. Same output; diagnostics on stderr.
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { Dialect } from '../convert/ast/iptables';
import { translateCommandLine } from '../convert/translate/command';
import { streamLargeDump } from '../convert/translate/chunked';
import type { CliCommand } from './commands';
import { EXIT, formatDiagnostic, type CliIO } from './io';

/** The iptables release whose output these commands reproduce. */
export const REFERENCE_VERSION = '1.8.11';

/** `Fri Nov 27 00:24:07 2026`, as ctime(3) prints it (local time). */
export function ctime(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

/** The file as UTF-8 text; an all-ASCII dump (the usual one) is copied as Latin-1, which is the same text, 2-5x faster than decoding. */
function readDumpFile(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

async function readStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function translateCommand(name: string, dialect: Dialect): CliCommand {
  return {
    name,
    summary: `drop-in ${name}: one ${dialect} command → nft 'add rule ...'`,
    help: `Usage: nflens ${name} [-t TABLE] COMMAND CHAIN [RULE-SPECIFICATION]

Prints the nft command for one ${dialect} command, exactly as ${name} ${REFERENCE_VERSION}
prints it for rules it translates, e.g.
  nflens ${name} -A INPUT -p tcp --dport 22 -j ACCEPT
  nft 'add rule ${dialect === 'ip6tables' ? 'ip6' : dialect === 'ebtables' ? 'bridge' : dialect === 'arptables' ? 'arp' : 'ip'} filter INPUT tcp dport 22 counter accept'
Rules the reference leaves untranslated (CT --zone, CT --helper, ICMP codes, -m set...) are
translated too. Approximations and untranslatable rules print the best output, explain
themselves on stderr as <args>:1:COL: severity: message [code], and exit 1.

Exit status: 0 translated; 1 approximated or unsupported; 2 arguments that do not parse.
`,
    async run(args: readonly string[], io: CliIO): Promise<number> {
      const t = translateCommandLine(args, dialect);
      for (const l of t.lines) io.stdout.write(l + '\n');
      for (const d of t.diagnostics) io.stderr.write(formatDiagnostic('<args>', d) + '\n');
      if (t.outcome === 'invalid') {
        io.stderr.write(`Try \`nflens ${name} --help' for more information.\n`);
        return EXIT.usage;
      }
      return t.outcome === 'translated' ? EXIT.ok : EXIT.findings;
    },
  };
}

function restoreCommand(name: string, dialect: Dialect): CliCommand {
  const help = `Usage: nflens ${name} -f FILE
       nflens ${name} -f -          (standard input)

Translates a whole ${dialect}-save / ${dialect}-restore file into nft commands, in the format
of ${name} ${REFERENCE_VERSION}: add table, add chain ... { type ... hook ... priority N; policy ...; },
add rule ... Rules without an nft equivalent stay as '# ...' comments at their place and
are explained on stderr as FILE:LINE:COL: severity: message [code].

Exit status: 0 everything translated; 1 something approximated or unsupported; 2 bad
arguments or a file that cannot be read or parsed.
`;
  return {
    name,
    summary: `drop-in ${name} -f FILE: a ${dialect}-save dump → nft commands`,
    help,
    async run(args: readonly string[], io: CliIO): Promise<number> {
      let file: string | undefined;
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a === '-f' || a === '--file') file = args[++i];
        else if (a.startsWith('--file=')) file = a.slice(7);
        else if (a.startsWith('-f') && a.length > 2) file = a.slice(2);
        else if (a === '-V' || a === '--version') {
          io.stdout.write(`${name} v${REFERENCE_VERSION} (nflens)\n`);
          return EXIT.ok;
        } else {
          io.stderr.write(`nflens ${name}: unexpected argument '${a}'\n${help}`);
          return EXIT.usage;
        }
      }
      if (file === undefined) {
        io.stderr.write(`ERROR: missing file name\n${help}`);
        return EXIT.usage;
      }
      let text: string;
      const label = file === '-' ? '<stdin>' : file;
      try {
        text = file === '-' ? await readStdin(io) : readDumpFile(file);
      } catch (e) {
        io.stderr.write(`Cannot open file ${file}: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
      const now = ctime(new Date());
      // Chunk by chunk, printed as it goes: a 50,000-rule dump never sits in memory whole.
      const { inputErrors, notTranslated } = streamLargeDump(
        text,
        dialect,
        {
          style: 'script',
          numericPriority: true,
          header: [`# Translated by ${name} v${REFERENCE_VERSION} (nflens) on ${now}`],
          footer: [`# Completed on ${now}`],
        },
        {
          out: (t) => io.stdout.write(t),
          diagnostics: (ds) => {
            if (ds.length) io.stderr.write(ds.map((d) => formatDiagnostic(label, d) + '\n').join(''));
          },
        },
        label,
      );
      if (inputErrors > 0) return EXIT.usage;
      return notTranslated === 0 ? EXIT.ok : EXIT.findings;
    },
  };
}

export const translateCommands: CliCommand[] = [
  translateCommand('iptables-translate', 'iptables'),
  translateCommand('ip6tables-translate', 'ip6tables'),
  translateCommand('ebtables-translate', 'ebtables'),
  translateCommand('arptables-translate', 'arptables'),
  restoreCommand('iptables-restore-translate', 'iptables'),
  restoreCommand('ip6tables-restore-translate', 'ip6tables'),
];
