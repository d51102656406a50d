// Drop-in replacements for iptables 1.8.11's translation tools: iptables-translate,
// ip6tables-translate, ebtables-translate, arptables-translate, iptables-restore-translate,
// ip6tables-restore-translate. Same output; diagnostics on stderr.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Dialect } from '../convert/ast/iptables';
import { translateCommandLine } from '../convert/translate/command';
import { canStream, commentLines, DumpStreamer, streamLargeDump, type Chunk, type StreamCounts, type StreamSinks } from '../convert/translate/chunked';
import type { ConvertFileOptions } from '../convert/translate/convert';
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
        text = file === '-' ? await readStdin(io) : readFileSync(file, 'utf8');
      } catch (e) {
        io.stderr.write(`Cannot open file ${file}: ${(e as Error).message}\n`);
        return EXIT.usage;
      }
      const now = ctime(new Date());
      const opts: ConvertFileOptions = {
        style: 'script',
        numericPriority: true,
        header: [`# Translated by ${name} v${REFERENCE_VERSION} (nflens) on ${now}`],
        footer: [`# Completed on ${now}`],
      };
      // Chunk by chunk, printed as it goes: a 50,000-rule dump never sits in memory whole.
      const { syntaxErrors, notTranslated } = canStream(text, dialect) ? await streamInParallel(text, dialect, opts, io, label) : streamLargeDump(text, dialect, opts, printTo(io, label), label);
      if (syntaxErrors > 0) return EXIT.usage;
      return notTranslated === 0 ? EXIT.ok : EXIT.findings;
    },
  };
}

// ---------------------------------------------------------------- two threads for a large dump

/** Dumps with fewer rule lines convert faster on one thread than it takes to start a second. */
const PARALLEL_MIN_RULES = 12_000;
/** Share of the rule lines the main thread converts (the worker first starts and catches up on the state). */
const MAIN_SHARE = 0.55;
const PART_REQUEST = 'nflens iptables-restore-translate part';

export interface PartRequest {
  readonly kind: typeof PART_REQUEST;
  readonly text: string;
  readonly dialect: Dialect;
  readonly opts: ConvertFileOptions;
  readonly label: string;
  readonly from: number;
}

export interface PartResult {
  /** What the part writes, in order: [1, text] for stdout, [2, text] for stderr (so a merged stream interleaves as it would in one thread). */
  readonly writes: [1 | 2, string][];
  readonly counts: StreamCounts;
  /** The converter state the part started from (DumpStreamer.state). */
  readonly state: string;
}

/** The chunk where the worker's part starts, or undefined when one thread is the better choice. */
function splitPoint(chunks: readonly Chunk[]): number | undefined {
  const total = chunks.reduce((n, c) => n + c.rules, 0);
  // Only from the bundle (dist/cli-translate.js), which the worker loads again; not under tsx.
  if (total < PARALLEL_MIN_RULES || chunks.length < 2 || availableParallelism() < 2 || !__filename.endsWith('.js')) return undefined;
  let seen = 0;
  for (let k = 0; k < chunks.length; k++) {
    seen += chunks[k]!.rules;
    if (seen >= total * MAIN_SHARE) return k + 1 < chunks.length ? k + 1 : undefined;
  }
  return undefined;
}

/** The worker's old-generation limit: a few chunks' trees and its copy of the dump, and no more (peak RSS counts both threads). */
function workerHeapMb(text: string): number {
  return 96 + Math.ceil((2 * text.length) / (1 << 20));
}

/** Runs the worker's part; undefined if the worker fails (the main thread then converts that part). */
function startPart(request: PartRequest): Promise<PartResult | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      // A worker that runs out of this heap fails, and the main thread converts its part instead.
      worker = new Worker(__filename, { workerData: request, resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(request.text) } });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (r: PartResult) => resolve(r));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
}

/**
 * The dump's chunks split in two: the main thread converts and prints the first part while a
 * worker converts the second, starting from the converter state the first part leaves (primed
 * cheaply, see DumpStreamer.prime). The worker's output is used only when that state is exactly
 * the one the main thread reached; otherwise the main thread converts the second part itself.
 * Either way the output is the same as converting every chunk in turn.
 */
export async function streamInParallel(
  text: string,
  dialect: Dialect,
  opts: ConvertFileOptions,
  io: CliIO,
  label: string,
  part: { split(chunks: readonly Chunk[]): number | undefined; run(request: PartRequest): Promise<PartResult | undefined> } = { split: splitPoint, run: startPart },
): Promise<StreamCounts> {
  const sinks = printTo(io, label);
  sinks.out(commentLines(opts.header));
  const streamer = new DumpStreamer(text, dialect, opts, label);
  const split = part.split(streamer.chunks);
  let counts: StreamCounts;
  if (split === undefined) counts = streamer.run(sinks);
  else {
    const pending = part.run({ kind: PART_REQUEST, text, dialect, opts, label, from: split });
    const first = streamer.run(sinks, 0, split);
    const second = await pending;
    let rest: StreamCounts;
    if (second && second.state === streamer.state()) {
      for (const [fd, t] of second.writes) (fd === 1 ? io.stdout : io.stderr).write(t);
      rest = second.counts;
    } else rest = streamer.run(sinks, split);
    counts = { syntaxErrors: first.syntaxErrors + rest.syntaxErrors, notTranslated: first.notTranslated + rest.notTranslated };
  }
  sinks.out(commentLines(opts.footer));
  return counts;
}

/** Output on stdout, diagnostics as FILE:LINE:COL lines on stderr. */
function printTo(io: Pick<CliIO, 'stdout' | 'stderr'>, label: string): StreamSinks {
  return {
    out: (t) => {
      if (t) io.stdout.write(t);
    },
    diagnostics: (ds) => {
      if (ds.length) io.stderr.write(ds.map((d) => formatDiagnostic(label, d) + '\n').join(''));
    },
  };
}

/** A stream that only records what is written to it (the worker's output, sent back in order). */
function recorder(fd: 1 | 2, writes: [1 | 2, string][]): NodeJS.WritableStream {
  return {
    write: (t: string) => {
      writes.push([fd, t]);
      return true;
    },
  } as Partial<NodeJS.WritableStream> as NodeJS.WritableStream;
}

/** The worker's work: primes a streamer up to the part and converts the part. */
export function convertPart(request: PartRequest): PartResult {
  const streamer = new DumpStreamer(request.text, request.dialect, request.opts, request.label);
  streamer.prime(request.from);
  const state = streamer.state();
  const writes: [1 | 2, string][] = [];
  const counts = streamer.run(
    printTo({ stdout: recorder(1, writes), stderr: recorder(2, writes) }, request.label),
    request.from,
  );
  return { writes, counts, state };
}

if (!isMainThread && (workerData as PartRequest | undefined)?.kind === PART_REQUEST) parentPort!.postMessage(convertPart(workerData as PartRequest));

export const translateCommands: CliCommand[] = [
  translateCommand('iptables-translate', 'iptables'),
  translateCommand('ip6tables-translate', 'ip6tables'),
  translateCommand('ebtables-translate', 'ebtables'),
  translateCommand('arptables-translate', 'arptables'),
  restoreCommand('iptables-restore-translate', 'iptables'),
  restoreCommand('ip6tables-restore-translate', 'ip6tables'),
];
