// nflens verify: proves with real packets, in throw-away network namespaces, that a conversion
// (or a given nft ruleset) treats traffic like the original iptables ruleset.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { detectFormat } from '../convert/detect';
import { CannotRun, formatReport, LoadFailure, ObservationFailure, prepare, reportJson, runVerify, type DumpInput } from '../verify/index';
import type { CliCommand } from './commands';
import { CONVERSION_FLAGS, conversionOptionsFromFlags, ipsetBeside } from './convert';
import { EXIT, UsageError, type CliIO } from './io';

const help = `Usage: nflens verify DUMP... [--ipset FILE] [--against NFT_FILE] [--probes N] [--seed S] [--json]
                     [--merge inet] [--physdev comment|bridge] [--no-counters]

Builds two identical throw-away topologies of network namespaces (a firewall namespace with
the interfaces the ruleset names, as veths, and a world namespace with their peers), loads the
original iptables-save/ip6tables-save DUMP (with its ipsets) into one with iptables-restore and
ipset restore, and the nft conversion into the other with nft -f, then sends the same probes
through both: for every rule a packet that matches it and near misses just outside each of its
conditions (address, port, protocol, interface, MAC, ipset membership, conntrack state via a
real prior packet in the other direction), plus random packets. What comes out (delivered or
not, addresses and ports after NAT, DSCP, mark, conntrack zone, REJECT replies) and which rules
each probe matched (nft monitor trace) are compared.

-m physdev rules: verify builds routed topologies, so a bridge port is tested as a routed
interface (-i/-o, iifname/oifname) in both rulesets alike, and everything behind it (the
per-port security-group chains) is verified; the report lists each substitution and what the
kernel says to the bridge-family alternative (kernels without bridge conntrack answer
"Protocol error" to \`ct state\` in a bridge table). --physdev therefore changes nothing here.

Differences on the path of a rule the converter diagnosed (approximated or unsupported) are
reported separately; any other difference is a translation bug.

Options:
  --ipset FILE        an \`ipset save\` dump (repeatable; X.ipset-save beside X.iptables-save is found)
  --against NFT_FILE  check this nft ruleset (e.g. iptables-restore-translate output) instead
                      of Netfilter Lens's own conversion
  --probes N          at most N probes (default 2000)
  --seed S            probe generation seed (default 1); the same seed gives the same probes
  --json              print the report as JSON
  --merge inet, --physdev comment|bridge, --no-counters
                      conversion options, as for nflens convert

Needs root (network namespaces), nft, iptables-restore/ip6tables-restore, ipset (for sets),
conntrack, setpriv and python3 with scapy (Debian: python3-scapy). Everything it creates is
removed afterwards, also on failure or Ctrl-C; the host's own ruleset and interfaces are never
touched.

Exit status: 0 no differences outside diagnosed rules; 1 unexplained differences (or the nft
ruleset does not load); 2 cannot run (missing privileges or tools, bad input, probes that
could not be sent or observed).
`;

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'prove with real packets in throw-away namespaces that a conversion behaves like the original',
  help,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: {
          ipset: { type: 'string', multiple: true },
          against: { type: 'string' },
          probes: { type: 'string' },
          seed: { type: 'string' },
          json: { type: 'boolean' },
          ...CONVERSION_FLAGS,
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const v = parsed.values;
    if (parsed.positionals.length === 0) throw new UsageError('expected at least one DUMP (iptables-save or ip6tables-save)');
    const probes = v.probes === undefined ? 2000 : Number(v.probes);
    if (!Number.isInteger(probes) || probes < 1 || probes > 30000) throw new UsageError(`--probes takes a whole number from 1 to 30000, not '${v.probes}'`);
    const seed = v.seed === undefined ? 1 : Number(v.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed takes a non-negative whole number, not '${v.seed}'`);
    const flags = conversionOptionsFromFlags(v);

    const read = (file: string): string | undefined => {
      try {
        const buf = readFileSync(file);
        if (buf.includes(0)) {
          io.stderr.write(`nflens verify: ${file} is a binary file, not a ruleset dump\n`);
          return undefined;
        }
        return buf.toString('utf8');
      } catch (e) {
        io.stderr.write(`nflens verify: cannot read ${file}: ${(e as Error).message}\n`);
        return undefined;
      }
    };
    const dumps: DumpInput[] = [];
    const ipsets: { file: string; text: string }[] = [];
    for (const f of v.ipset ?? []) {
      const t = read(f);
      if (t === undefined) return EXIT.usage;
      ipsets.push({ file: f, text: t });
    }
    for (const file of parsed.positionals) {
      const text = read(file);
      if (text === undefined) return EXIT.usage;
      const format = detectFormat(text, file);
      if (format === 'ipset') {
        ipsets.push({ file, text });
        continue;
      }
      if (format !== 'iptables-save' && format !== 'ip6tables-save') {
        io.stderr.write(`nflens verify: ${file}: expected an iptables-save or ip6tables-save dump${format ? ` (this looks like ${format})` : ''}\n`);
        return EXIT.usage;
      }
      dumps.push({ file, text, dialect: format === 'ip6tables-save' ? 'ip6tables' : 'iptables' });
      const beside = ipsetBeside(file);
      if (beside && !ipsets.some((s) => s.file === beside) && !(v.ipset ?? []).length) {
        const t = read(beside);
        if (t !== undefined) ipsets.push({ file: beside, text: t });
      }
    }
    let against: { file: string; text: string } | undefined;
    if (v.against !== undefined) {
      const t = read(v.against);
      if (t === undefined) return EXIT.usage;
      against = { file: v.against, text: t };
    }
    const prepared = prepare({
      dumps,
      ipsets,
      convert: {
        ...flags,
      },
      ...(against ? { against } : {}),
    });
    const parseErrors = prepared.original.dumps.flatMap((d) => d.parsed.diagnostics.filter((x) => x.severity === 'error').map((x) => `${d.file}:${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.message}`));
    if (parseErrors.length) {
      for (const e of parseErrors) io.stderr.write(`nflens verify: ${e}\n`);
      return EXIT.usage;
    }
    let lastProgress = 0;
    const progress = (done: number, total: number) => {
      const now = Date.now();
      if (now - lastProgress < 2000 && done < total) return;
      lastProgress = now;
      io.stderr.write(`nflens verify: ${done}/${total} probes\n`);
    };
    try {
      const r = await runVerify(prepared, seed, probes, progress);
      const ctx = { original: prepared.original, nftLabel: prepared.input.nftLabel, diagnosed: prepared.input.diagnosed, seed };
      io.stdout.write(v.json ? JSON.stringify(reportJson(r, ctx), null, 2) + '\n' : formatReport(r, ctx));
      return r.unexplained.length ? EXIT.findings : EXIT.ok;
    } catch (e) {
      if (e instanceof CannotRun || e instanceof ObservationFailure) {
        io.stderr.write(`nflens verify: ${e.message}\n`);
        return EXIT.usage;
      }
      if (e instanceof LoadFailure) {
        io.stderr.write(`nflens verify: ${e.message}\n`);
        return EXIT.findings;
      }
      throw e;
    }
  },
};
