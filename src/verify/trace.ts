/**
 * `nft monitor trace` in a firewall namespace: which chains and rules each probe went
 * through, what it looked like there (after NAT), its mark and conntrack zone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { inNs, type Ledger } from './system';

export interface TracePacket {
  readonly iif?: string;
  readonly oif?: string;
  readonly src?: string;
  readonly dst?: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly proto?: string;
  /** ip id (IPv4) or flow label (IPv6): the probe's tag. */
  readonly tag?: number;
  readonly dscp?: string;
}

export interface TraceEvent {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly kind: 'packet' | 'rule' | 'verdict' | 'policy' | 'other';
  readonly handle?: number;
  readonly verdict?: string;
  readonly text: string;
  readonly packet?: TracePacket;
  readonly mark?: string;
}

export interface TraceRecord {
  readonly id: string;
  readonly events: TraceEvent[];
  /** The packet as first seen (trace_pre or trace_out of the observation table). */
  first?: TracePacket;
}

const LINE = /^trace id (\S+) (\S+) (\S+) (\S+) (packet|rule|verdict|policy|unknown)\b:?\s?(.*)$/;

export function parsePacketFields(s: string): TracePacket {
  const m = (re: RegExp) => re.exec(s)?.[1];
  const n = (re: RegExp) => {
    const v = m(re);
    return v === undefined ? undefined : Number(v);
  };
  const p: Record<string, unknown> = {
    iif: m(/\biif "([^"]*)"/),
    oif: m(/\boif "([^"]*)"/),
    src: m(/\bip6? saddr (\S+)/),
    dst: m(/\bip6? daddr (\S+)/),
    sport: n(/\b(?:tcp|udp|udplite|sctp) sport (\d+)/),
    dport: n(/\b(?:tcp|udp|udplite|sctp) dport (\d+)/),
    proto: m(/\bip protocol (\S+)/) ?? m(/\bip6 nexthdr (\S+)/),
    tag: n(/\bip id (\d+)/) ?? n(/\bip6 flowlabel (\d+)/),
    dscp: m(/\bip6? dscp (\S+)/),
  };
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return p as TracePacket;
}

export function parseTraceLine(line: string): { id: string; event: TraceEvent } | undefined {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const [, id, family, table, chain, kindWord, rest] = m;
  const kind = kindWord === 'unknown' ? 'other' : (kindWord as TraceEvent['kind']);
  const ev: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = { family: family!, table: table!, chain: chain!, kind, text: rest ?? '' };
  if (kind === 'packet') ev.packet = parsePacketFields(rest ?? '');
  if (kind === 'rule') {
    const h = /# handle (\d+)/.exec(rest ?? '');
    if (h) ev.handle = Number(h[1]);
    const v = /\(verdict ([^)]*)\)\s*$/.exec(rest ?? '');
    if (v) ev.verdict = v[1];
  }
  if (kind === 'verdict' || kind === 'policy') ev.verdict = (rest ?? '').split(/\s+/)[0];
  const mark = /\bmeta mark (0x[0-9a-f]+)/.exec(rest ?? '');
  if (mark) ev.mark = mark[1];
  return { id: id!, event: ev };
}

/** A running `nft monitor trace` in one namespace, collecting records by trace id. */
export class TraceMonitor {
  readonly records = new Map<string, TraceRecord>();
  private child?: ChildProcess;
  private lastEvent = Date.now();
  private stderr = '';

  constructor(private readonly ns: string) {}

  async start(ledger: Ledger): Promise<void> {
    const argv = inNs(this.ns, ['setpriv', '--pdeathsig', 'KILL', 'nft', '-a', 'monitor', 'trace']);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    ledger.child(child);
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => this.onLine(line));
    // nft prints nothing when it is listening; give it a moment to subscribe.
    await new Promise((r) => setTimeout(r, 150));
    if (child.exitCode !== null) throw new Error(`nft monitor trace in ${this.ns} exited: ${this.stderr.trim()}`);
  }

  /** Lines nft printed that are not trace events (e.g. `# ERROR: We lost some netlink events!`). */
  readonly otherLines: string[] = [];

  private onLine(line: string): void {
    const p = parseTraceLine(line);
    if (!p) {
      if (line.trim()) this.otherLines.push(line.trim());
      return;
    }
    this.lastEvent = Date.now();
    let r = this.records.get(p.id);
    if (!r) {
      r = { id: p.id, events: [] };
      this.records.set(p.id, r);
    }
    r.events.push(p.event);
    if (!r.first && p.event.packet) r.first = p.event.packet;
  }

  /** What nft printed on stderr since the last call (e.g. lost events). */
  takeErrors(): string {
    const e = this.stderr;
    this.stderr = '';
    return e;
  }

  get quietFor(): number {
    return Date.now() - this.lastEvent;
  }

  /** Takes the records collected so far (the next batch starts empty). */
  take(): TraceRecord[] {
    const out = [...this.records.values()];
    this.records.clear();
    return out;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  stop(): void {
    this.child?.kill('SIGKILL');
  }
}

/** `nft -a list ruleset` → handle of every rule → its chain and 1-based position. */
export interface RulePosition {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly index: number;
  readonly text: string;
}

export function ruleHandles(listing: string): Map<string, RulePosition> {
  const out = new Map<string, RulePosition>();
  let family = '';
  let table = '';
  let chain = '';
  let index = 0;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    let m = /^table (\S+) (\S+) \{/.exec(line);
    if (m) {
      family = m[1]!;
      table = m[2]!;
      chain = '';
      continue;
    }
    m = /^chain (\S+) \{/.exec(line);
    if (m) {
      chain = m[1]!.replace(/^"|"$/g, '');
      index = 0;
      continue;
    }
    if (!chain) continue;
    if (/^(type|policy) /.test(line) || line === '}' || line === '') continue;
    const h = /# handle (\d+)\s*$/.exec(line);
    if (!h) continue;
    index++;
    out.set(`${family} ${table} ${chain} ${h[1]}`, { family, table, chain, index, text: line.replace(/\s*# handle \d+\s*$/, '') });
  }
  return out;
}
