// nflens snapshot: every namespace's rulesets of a node, written to files, with a summary table.
import { accessSync, constants as fsConstants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { CliCommand } from './commands';
import { EXIT, UsageError, type CliIO } from './io';
import {
  ALL_SOURCES,
  analyzeIptablesBackend,
  fetchNamespaceRulesets,
  isRulesetSource,
  listNamespaces,
  loadSshConfig,
  LocalRunner,
  parseSshDestination,
  RemoteError,
  resolveSshEndpoint,
  RULESET_SOURCES,
  SshRunner,
  outlineRuleset,
  type CommandRunner,
  type FetchedRuleset,
  type NamespaceInfo,
  type RulesetSource,
  type SshInteraction,
} from '../remote';

const ROOT_DIR = '_root';

const help = `Usage: nflens snapshot [ssh://][user@]host[:port] | local [options]

Reads the rulesets of every network namespace of a node (the root namespace and
\`ip netns list\`) and writes them to DIR/HOST/NAMESPACE/{iptables-save,ip6tables-save,nft,ipset}
(plus ebtables-save where ebtables is installed) and DIR/HOST/snapshot.json, then prints
a summary table. The root namespace is written (and matched by --namespace) as ${ROOT_DIR}.
Everything run on the node is read-only. Hosts come from ~/.ssh/config like with ssh
(HostName, Port, User, IdentityFile, ProxyJump, ConnectTimeout, Include); the agent
(SSH_AUTH_SOCK) and OpenSSH's default keys are used. Host keys are checked against
~/.ssh/known_hosts: a changed key is always refused, an unknown one only accepted with
--accept-new-host-key.

Options:
  --out DIR                  where to write (default: ./nflens-snapshot)
  --namespace PATTERN        only namespaces matching the glob (* and ?); repeatable
  --source LIST              comma-separated: ${ALL_SOURCES.join(',')} (default: all)
  --sudo                     run every command through \`sudo -n\` (never prompts)
  --accept-new-host-key      trust an unknown host key for this run (its fingerprint is printed;
                             it is not written to known_hosts)
  -i, --identity FILE        identity file (instead of the config's/OpenSSH's defaults)
  -J, --jump HOSTS           ProxyJump chain, e.g. bastion or user@a:22,b
  --parallel N               commands in flight at once on the connection (default 8)
  --timeout SECONDS          per command (default 60)

Exit status: 0 all read; 1 some namespace or source could not be read (listed);
2 bad arguments, or the node could not be reached (refused, unreachable, host key, auth).
`;

interface SnapshotOptions {
  target: string;
  out: string;
  patterns: string[];
  sources: RulesetSource[];
  sudo: boolean;
  acceptNewHostKey: boolean;
  identity?: string;
  jump?: string;
  parallel: number;
  timeoutMs: number;
}

function parseOptions(args: readonly string[]): SnapshotOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        namespace: { type: 'string', multiple: true },
        source: { type: 'string' },
        sudo: { type: 'boolean' },
        'accept-new-host-key': { type: 'boolean' },
        identity: { type: 'string', short: 'i' },
        jump: { type: 'string', short: 'J' },
        parallel: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'which host? give [user@]host[:port] or local' : `one host at a time (got ${positionals.join(', ')})`);
  const sources = values.source ? values.source.split(',').map((s) => s.trim()) : [...ALL_SOURCES];
  for (const s of sources) if (!isRulesetSource(s)) throw new UsageError(`unknown source '${s}' (known: ${ALL_SOURCES.join(', ')})`);
  const parallel = values.parallel ? Number(values.parallel) : 8;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) throw new UsageError('--parallel takes a number from 1 to 64');
  const timeout = values.timeout ? Number(values.timeout) : 60;
  if (!(timeout > 0)) throw new UsageError('--timeout takes a positive number of seconds');
  return {
    target: positionals[0]!,
    out: values.out ?? 'nflens-snapshot',
    patterns: values.namespace ?? [],
    sources: sources as RulesetSource[],
    sudo: values.sudo === true,
    acceptNewHostKey: values['accept-new-host-key'] === true,
    ...(values.identity ? { identity: values.identity } : {}),
    ...(values.jump ? { jump: values.jump } : {}),
    parallel,
    timeoutMs: timeout * 1000,
  };
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir loops forever where mkdir keeps
 * answering ENOENT under an existing parent (e.g. below /proc).
 */
function makeDirectory(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
    throw new UsageError(`cannot write to ${dir}: not a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot write to ${dir}: ${(err as Error).message}`);
  }
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Fails fast on an --out that cannot be created, without creating anything yet. */
function checkWritable(dir: string): void {
  let existing = dir;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) throw new UsageError(`cannot write to ${dir}: ${existing} is not a directory`);
      break;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const parent = dirname(existing);
      if (parent === existing) throw new UsageError(`cannot write to ${dir}`);
      existing = parent;
    }
  }
  try {
    accessSync(existing, fsConstants.W_OK);
  } catch {
    throw new UsageError(`cannot write to ${dir}: ${existing} is not writable`);
  }
}

function writeText(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** A directory name that cannot climb out of DIR or surprise a shell. */
function safeDirName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.@:-]/g, '_').replace(/^\.+/, '_');
  return cleaned === '' ? '_' : cleaned;
}

/** Reads a line from a terminal without echo (passphrases); undefined when not interactive. */
async function askHidden(io: CliIO, question: string): Promise<string | undefined> {
  const input = io.stdin as NodeJS.ReadStream;
  if (!input.isTTY) return undefined;
  io.stderr.write(question);
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  const rl = createInterface({ input, output: muted, terminal: true });
  try {
    return await new Promise<string>((res) => rl.question('', res));
  } finally {
    rl.close();
    io.stderr.write('\n');
  }
}

function cliInteraction(io: CliIO, acceptNewHostKey: boolean): SshInteraction {
  return {
    async trustHostKey(p) {
      if (!acceptNewHostKey) return false;
      io.stderr.write(`nflens snapshot: accepting the unknown host key of ${p.host}:${p.port} for this run: ${p.keyType} ${p.fingerprint} (not saved)\n`);
      return true;
    },
    passphrase: (file, attempt) => askHidden(io, `${attempt > 1 ? 'Wrong passphrase. ' : ''}Passphrase for ${file}: `),
    password: (label) => askHidden(io, `Password for ${label}: `),
    async keyboardInteractive(label, instructions, prompts) {
      if (instructions) io.stderr.write(`${instructions}\n`);
      const answers: string[] = [];
      for (const p of prompts) {
        const a = await askHidden(io, `${label} ${p.prompt}`);
        if (a === undefined) return undefined;
        answers.push(a);
      }
      return answers;
    },
  };
}

interface NamespaceRow {
  ns: NamespaceInfo;
  dir: string;
  rulesets: Partial<Record<RulesetSource, FetchedRuleset>>;
  errors: { source: RulesetSource; message: string }[];
  notes: string[];
}

function cell(source: RulesetSource, r: FetchedRuleset | undefined, failed: boolean): string {
  if (failed) return 'ERROR';
  if (!r) return '-';
  if (!r.present) return 'absent';
  const o = outlineRuleset(source, r.text);
  if (source === 'ipset') return `${o.tables.length} sets ${o.rules} el`;
  const chains = o.tables.reduce((n, t) => n + t.chains.length, 0);
  return `${o.tables.length}t ${chains}c ${o.rules}r${o.errors ? ` ${o.errors}err` : ''}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const o = parseOptions(args);
  let runner: CommandRunner;
  let hostDir: string;
  if (o.target === 'local') {
    if (o.identity || o.jump) throw new UsageError('--identity and --jump are for SSH hosts');
    runner = new LocalRunner({ sudo: o.sudo ? true : 'auto', maxParallel: o.parallel, timeoutMs: o.timeoutMs });
    hostDir = 'local';
  } else {
    let dest;
    try {
      dest = parseSshDestination(o.target);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const sshConfig = loadSshConfig();
    for (const p of sshConfig.problems) io.stderr.write(`nflens snapshot: ~/.ssh/config: ${p}\n`);
    let endpoint;
    try {
      endpoint = resolveSshEndpoint(sshConfig, dest.host, {
        ...(dest.user ? { user: dest.user } : {}),
        ...(dest.port ? { port: dest.port } : {}),
        ...(o.identity ? { identityFile: resolve(o.identity) } : {}),
        ...(o.jump ? { proxyJump: o.jump } : {}),
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    runner = new SshRunner({
      endpoint,
      interaction: { ...cliInteraction(io, o.acceptNewHostKey), log: (m) => io.stderr.write(`nflens snapshot: ${m}\n`) },
      sudo: o.sudo,
      maxParallel: o.parallel,
      commandTimeoutMs: o.timeoutMs,
    });
    hostDir = safeDirName(dest.host + (dest.port ? `_${dest.port}` : ''));
  }

  const base = join(resolve(o.out), hostDir);
  checkWritable(base); // before connecting: a bad --out fails fast
  const started = Date.now();
  try {
    let listing;
    try {
      listing = await listNamespaces(runner, { timeoutMs: o.timeoutMs });
    } catch (err) {
      if (err instanceof RemoteError) {
        const hint = err.kind === 'host-key-untrusted' ? '\n(check the fingerprint with the node\'s admin, then run again with --accept-new-host-key, or add the key to ~/.ssh/known_hosts)' : '';
        io.stderr.write(`nflens snapshot: ${err.message}${hint}\n`);
        return EXIT.usage;
      }
      throw err;
    }
    const patterns = o.patterns.map(globToRegExp);
    const wanted = (name: string) => patterns.length === 0 || patterns.some((p) => p.test(name));
    const selected = listing.namespaces.filter((ns) => wanted(ns.name ?? ROOT_DIR));
    const refused = listing.rejected.filter((r) => wanted(r.name));
    const rows: NamespaceRow[] = await Promise.all(
      selected.map(async (ns): Promise<NamespaceRow> => {
        const row: NamespaceRow = { ns, dir: ns.name ?? ROOT_DIR, rulesets: {}, errors: [], notes: [] };
        const outcomes = await fetchNamespaceRulesets(runner, ns.name, o.sources, { timeoutMs: o.timeoutMs });
        for (const outcome of outcomes) {
          if (outcome.ok) row.rulesets[outcome.ruleset.source] = outcome.ruleset;
          else row.errors.push({ source: outcome.source, message: outcome.error.message });
        }
        const backend = analyzeIptablesBackend(row.rulesets.iptables, row.rulesets.nft);
        if (backend.warning) row.notes.push(backend.warning);
        if (backend.backend !== 'unknown') row.notes.unshift(`iptables: ${backend.backend}`);
        return row;
      }),
    );

    for (const row of rows) {
      const dir = join(base, row.dir);
      makeDirectory(dir);
      for (const r of Object.values(row.rulesets)) {
        if (!r.present) continue;
        writeText(join(dir, RULESET_SOURCES[r.source].fileName), r.text);
      }
    }
    const manifest = {
      host: runner.label,
      target: o.target,
      takenAt: new Date(started).toISOString(),
      namespaces: rows.map((r) => ({
        name: r.ns.name,
        dir: r.dir,
        kind: r.ns.class.kind,
        files: Object.values(r.rulesets)
          .filter((x) => x.present)
          .map((x) => ({ source: x.source, file: RULESET_SOURCES[x.source].fileName, command: x.argv })),
        absent: Object.values(r.rulesets).filter((x) => !x.present).map((x) => x.source),
        errors: r.errors,
        notes: r.notes,
      })),
      refusedNamespaces: refused,
    };
    writeText(join(base, 'snapshot.json'), JSON.stringify(manifest, null, 2) + '\n');

    const header = ['NAMESPACE', 'KIND', ...o.sources.map((s) => RULESET_SOURCES[s].label.toUpperCase()), 'NOTES'];
    const body = rows.map((r) => [
      r.dir,
      r.ns.class.kindLabel,
      ...o.sources.map((s) => cell(s, r.rulesets[s], r.errors.some((e) => e.source === s))),
      r.notes.join('; '),
    ]);
    io.stdout.write(`Snapshot of ${runner.label}: ${rows.length} namespace${rows.length === 1 ? '' : 's'} in ${base} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    io.stdout.write(table([header, ...body]));
    io.stdout.write('t = tables, c = chains, r = rules, el = set elements, err = lines the parser could not read\n');
    let problems = 0;
    for (const r of rows) {
      for (const e of r.errors) {
        io.stderr.write(`nflens snapshot: ${r.dir}: ${e.source}: ${e.message}\n`);
        problems++;
      }
    }
    for (const rej of refused) {
      io.stderr.write(`nflens snapshot: refused namespace name ${JSON.stringify(rej.name)}: ${rej.reason} (not read)\n`);
      problems++;
    }
    if (patterns.length && rows.length === 0) io.stderr.write('nflens snapshot: no namespace matches --namespace\n');
    return problems ? EXIT.findings : EXIT.ok;
  } catch (err) {
    if (err instanceof RemoteError) {
      io.stderr.write(`nflens snapshot: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  } finally {
    await runner.dispose();
  }
}

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  summary: 'save every network namespace\'s rulesets of a node (local or SSH) to files',
  help,
  run,
};
