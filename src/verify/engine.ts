/**
 * nflens verify: loads the original ruleset into one throw-away topology and its nft
 * conversion into an identical one, sends the same probes through both, and compares what
 * came out — with the kernel as the judge.
 */
import type { Range } from '../convert/ast/common';
import type { NftFile } from '../convert/ast/nft';
import type { RuleOutcome } from '../convert/translate/convert';
import { PacketAgent, type Captured, type PacketSpec, type SendItem } from './agent';
import { allowedKinds, generateProbes, interfaceNames, isSpecial, type Probe } from './probes';
import type { OriginalRule, OriginalRuleset } from './ruleset';
import { hasCommand, inNs, Ledger, NS_PREFIX, run, sweepStaleNamespaces, ToolError } from './system';
import { createTopology, observationRuleset, planInterfaces, routeCommands, runId, type Placement, type Topology, type TopologyIface } from './topology';
import { ruleHandles, TraceMonitor, type RulePosition, type TraceRecord } from './trace';
import { pythonPath } from './agent';

export interface VerifyInput {
  readonly original: OriginalRuleset;
  /** The nft ruleset to check. */
  readonly nftText: string;
  /** Where it came from, for the report (`conversion`, or the --against file). */
  readonly nftLabel: string;
  /** Own conversion: per-rule outcomes and the printed AST (maps nft rules back to original rules). */
  readonly conversion?: { readonly rules: readonly RuleOutcome[]; readonly nft: NftFile; readonly diagnostics: readonly { file?: string; range: Range; message: string; severity: string; code: string }[] };
  /** With --against: our own conversion, to recognise the given ruleset's rules by their text. */
  readonly ownConversion?: { readonly output: string; readonly nft: NftFile };
  /** Diagnosed original rules (approximated/unsupported), by rule id, with what the converter said. */
  readonly diagnosed: ReadonlyMap<string, { outcome: string; messages: string[] }>;
  readonly seed: number;
  readonly maxProbes: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ProbeOutcome {
  readonly lines: string[];
  /** Original rules the probe matched (trace), in order. */
  readonly rules: string[];
}

export interface Difference {
  readonly probe: Probe;
  readonly packet: string;
  readonly original: ProbeOutcome;
  readonly converted: ProbeOutcome;
  /** The rule it is reported under: its origin, or the last rule it matched in the original. */
  readonly rule?: string;
  /** Diagnosed rules on its path (explained differences). */
  readonly explainedBy: string[];
}

export interface VerifyResult {
  readonly probes: number;
  readonly packets: number;
  readonly batches: number;
  readonly seconds: number;
  readonly differences: Difference[];
  readonly unexplained: Difference[];
  readonly explained: Difference[];
  readonly rules: readonly OriginalRule[];
  /** Rules no probe could reach (their chain is not reachable from a hook). */
  readonly unreachable: string[];
  /** Rules left without a probe of their own by the --probes bound. */
  readonly unprobed: string[];
  /** Original rules matched by at least one probe (trace of the original side). */
  readonly exercised: Set<string>;
  readonly notes: string[];
}

export class CannotRun extends Error {}

// ---------------------------------------------------------------- prerequisites

export async function checkPrerequisites(original: OriginalRuleset): Promise<void> {
  const missing: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root privileges (network namespaces, iptables-restore and nft need CAP_NET_ADMIN and CAP_SYS_ADMIN; run as root or with sudo)');
  const tools: [string, string][] = [
    ['ip', 'iproute2'],
    ['nft', 'nftables'],
    ['conntrack', 'conntrack'],
    ['setpriv', 'util-linux'],
  ];
  if (original.dumps.some((d) => d.family === 4)) tools.push(['iptables-restore', 'iptables']);
  if (original.dumps.some((d) => d.family === 6)) tools.push(['ip6tables-restore', 'iptables']);
  if (original.ipsets.length) tools.push(['ipset', 'ipset']);
  for (const [cmd, pkg] of tools) if (!hasCommand(cmd)) missing.push(`the command '${cmd}' (Debian package ${pkg})`);
  try {
    await run([pythonPath(), '-c', 'import scapy.all']);
  } catch {
    missing.push(`python3 with scapy (Debian package python3-scapy) for ${pythonPath()}`);
  }
  if (missing.length) throw new CannotRun(`cannot run: missing ${missing.join('; ')}`);
}

// ---------------------------------------------------------------- batches

interface Planned {
  readonly probe: Probe;
  readonly tag: number;
  readonly openerTag?: number;
  /** The packet as sent in round 1 (the opener for probes that have one). */
  readonly first: SendItemSpec;
  readonly placements: Map<string, Placement>;
}
type SendItemSpec = { via: string; spec: PacketSpec };

function placeAddr(m: Map<string, Placement>, addr: string, p: Placement): boolean {
  if (isSpecial(addr)) return true;
  const cur = m.get(addr);
  if (!cur) {
    m.set(addr, p);
    return true;
  }
  return samePlacement(cur, p);
}
function samePlacement(a: Placement, b: Placement): boolean {
  if ('local' in a || 'local' in b) return 'local' in a && 'local' in b;
  return a.iface === b.iface;
}

function plan(probe: Probe, tag: number, openerTag: number | undefined, ifaces: readonly TopologyIface[]): Planned | undefined {
  const f = probe.family;
  const s = probe.spec;
  const placements = new Map<string, Placement>();
  const local = (a: string) => ifaces.some((i) => i.fwAddr[f] === a);
  if (probe.kind === 'forward') {
    if (!placeAddr(placements, s.src, { iface: probe.inIf! }) || !placeAddr(placements, s.dst, { iface: probe.outIf! })) return undefined;
  } else if (probe.kind === 'input') {
    if (!placeAddr(placements, s.src, { iface: probe.inIf! })) return undefined;
    if (!local(s.dst) && !placeAddr(placements, s.dst, { local: true })) return undefined;
  } else {
    if (!placeAddr(placements, s.dst, { iface: probe.outIf! })) return undefined;
    if (!local(s.src) && !placeAddr(placements, s.src, { local: true })) return undefined;
  }
  const sport = s.sport === 0 ? 10000 + (tag % 55000) : s.sport;
  const spec: PacketSpec = { ...s, tag, ...(sport !== undefined ? { sport } : {}) };
  if (s.proto === 1 || s.proto === 58) spec.icmpId = tag & 0xffff;
  if (!probe.opener) {
    const via = probe.kind === 'output' ? '@fw' : probe.inIf!.world;
    return { probe, tag, first: { via, spec }, placements };
  }
  // The opener: the same flow in the other direction, sent first.
  const op: PacketSpec = { l3: s.l3, src: s.dst, dst: s.src, proto: s.proto, tag: openerTag!, ...(probe.openerMac ? { srcMac: probe.openerMac } : {}) };
  if (spec.sport !== undefined) op.dport = spec.sport;
  if (spec.dport !== undefined) op.sport = spec.dport;
  if (s.proto === 6) op.flags = 'S';
  if (s.proto === 1 || s.proto === 58) {
    op.icmpType = s.proto === 1 ? 8 : 128;
    op.icmpCode = 0;
    op.icmpId = openerTag! & 0xffff;
  }
  const via = probe.kind === 'forward' ? probe.outIf!.world : probe.kind === 'input' ? '@fw' : probe.outIf!.world;
  return { probe, tag, openerTag, first: { via, spec: op }, placements };
}

/** The probe itself for an opener probe: the reply to the opener as it came out on this side. */
function replyTo(p: Planned, captured: readonly Captured[], fwIfaceOfWorld: Map<string, TopologyIface>): SendItemSpec {
  const s = p.probe.spec;
  const op = p.first.spec;
  const seen = captured.find((c) => c.tag === p.openerTag && c.payloadTag === p.openerTag && !c.quoted);
  const base: PacketSpec = seen
    ? { l3: seen.l3, src: seen.dst, dst: seen.src, proto: seen.proto, tag: p.tag, ...(seen.dport !== undefined ? { sport: seen.dport } : {}), ...(seen.sport !== undefined ? { dport: seen.sport } : {}) }
    : { l3: op.l3, src: op.dst, dst: op.src, proto: op.proto, tag: p.tag, ...(op.dport !== undefined ? { sport: op.dport } : {}), ...(op.sport !== undefined ? { dport: op.sport } : {}) };
  if (s.srcMac) base.srcMac = s.srcMac;
  if (s.proto === 6) {
    base.flags = 'SA';
    base.seq = (p.tag << 8) >>> 0;
    base.ack = (((seen?.seq ?? op.seq ?? (p.openerTag! << 8)) >>> 0) + 9) >>> 0;
  }
  if (s.proto === 1 || s.proto === 58) {
    base.icmpType = s.proto === 1 ? 0 : 129;
    base.icmpCode = 0;
    base.icmpId = seen?.icmpId ?? op.icmpId ?? 0;
    base.icmpSeq = seen?.icmpSeq ?? 1;
  }
  const via = seen ? (fwIfaceOfWorld.has(seen.iface) ? seen.iface : p.first.via) : p.probe.kind === 'input' ? p.probe.inIf!.world : p.probe.kind === 'forward' ? p.probe.inIf!.world : '@fw';
  return { via, spec: base };
}

// ---------------------------------------------------------------- observation

function describeCapture(c: Captured, sent: PacketSpec | undefined, ifName: (w: string) => string): string {
  const proto = c.proto === 6 ? 'tcp' : c.proto === 17 ? 'udp' : c.proto === 1 ? 'icmp' : c.proto === 58 ? 'icmpv6' : `proto ${c.proto}`;
  const sport = c.sport === undefined ? '' : sent && sent.sport !== undefined && c.sport !== sent.sport ? ':(port changed)' : `:${c.sport}`;
  const dport = c.dport === undefined ? '' : `:${c.dport}`;
  const extra = c.proto === 6 ? ` flags ${c.flags}` : c.icmpType !== undefined ? ` type ${c.icmpType}/${c.icmpCode}` : '';
  return `${proto} ${c.src}${sport} > ${c.dst}${dport}${extra} dscp ${c.dscp} out ${ifName(c.iface)}`;
}

function isReplyTo(c: Captured, tag: number, sent: PacketSpec): boolean {
  if (c.quoted && c.quoted.tag === tag && c.quoted.src === sent.src) return true;
  if (c.payloadTag === tag && c.tag !== tag) return true; // echo reply
  if (c.proto === 6 && c.flags?.includes('R') && c.dst === sent.src && ((c.ack ?? 0) >>> 8 === tag || (c.seq ?? 0) >>> 8 === tag)) return true;
  return false;
}

function describeReply(c: Captured, ifName: (w: string) => string): string {
  if (c.quoted) return `reply ${c.l3 === 4 ? 'icmp' : 'icmpv6'} type ${c.icmpType}/${c.icmpCode} from ${c.src} on ${ifName(c.iface)}`;
  if (c.proto === 6) return `reply tcp flags ${c.flags} from ${c.src}:${c.sport} on ${ifName(c.iface)}`;
  return `reply ${c.proto === 1 ? 'icmp' : c.proto === 58 ? 'icmpv6' : `proto ${c.proto}`} type ${c.icmpType ?? '-'} from ${c.src} on ${ifName(c.iface)}`;
}

interface SideView {
  /** Captures by every tag they may belong to. */
  readonly captured: Map<number, Captured[]>;
  /** Trace records by the tag of the packet they start with. */
  readonly traces: Map<number, TraceRecord[]>;
  /** nft rule key → original rule id. */
  readonly ruleOf: (key: string) => string | undefined;
}

function indexCaptures(caps: readonly Captured[]): Map<number, Captured[]> {
  const m = new Map<number, Captured[]>();
  for (const c of caps) {
    const keys = new Set<number>([c.tag]);
    if (c.payloadTag !== undefined) keys.add(c.payloadTag);
    if (c.quoted) keys.add(c.quoted.tag);
    if (c.proto === 6) {
      keys.add((c.seq ?? 0) >>> 8);
      keys.add((c.ack ?? 0) >>> 8);
    }
    for (const k of keys) (m.get(k) ?? m.set(k, []).get(k)!).push(c);
  }
  return m;
}

function indexTraces(records: readonly TraceRecord[]): Map<number, TraceRecord[]> {
  const m = new Map<number, TraceRecord[]>();
  for (const r of records) {
    const t = r.first?.tag;
    if (t !== undefined) (m.get(t) ?? m.set(t, []).get(t)!).push(r);
  }
  return m;
}

function observe(view: SideView, tag: number, sent: PacketSpec, ifName: (w: string) => string, zones: readonly number[]): ProbeOutcome {
  const lines: string[] = [];
  for (const c of view.captured.get(tag) ?? []) {
    const echoAnswered = (sent.icmpType === 8 && c.icmpType === 0) || (sent.icmpType === 128 && c.icmpType === 129);
    if (c.tag === tag && c.payloadTag === tag && c.l3 === sent.l3 && c.proto === sent.proto && !echoAnswered) lines.push(`delivered ${describeCapture(c, sent, ifName)}`);
    else if (isReplyTo(c, tag, sent)) lines.push(describeReply(c, ifName));
  }
  const rules: string[] = [];
  for (const r of view.traces.get(tag) ?? []) {
    if (r.first?.tag !== tag || r.first.src !== sent.src || r.first.dst !== sent.dst) continue;
    let zone: number | undefined;
    let lastPacket: { dst?: string; dport?: number; oif?: string } | undefined;
    for (const e of r.events) {
      if (e.table === 'nflens_verify') {
        if (e.kind === 'packet') lastPacket = e.packet;
        if (e.kind === 'rule') {
          const z = /^ct zone (\d+)/.exec(e.text);
          if (z && zones.includes(Number(z[1]))) zone = Number(z[1]);
        }
        if (e.kind === 'policy' && e.chain === 'seen_fwd') {
          lines.push(`forwarded, mark ${e.mark ?? '0x0'} before the filter table`);
          continue;
        }
        if (e.kind === 'policy' && (e.chain === 'seen_in' || e.chain === 'seen_out')) {
          const where = e.chain === 'seen_in' ? `firewall accepts it locally as ${lastPacket?.dst ?? '?'}${lastPacket?.dport !== undefined ? ':' + lastPacket.dport : ''}` : `firewall sends it out ${lastPacket?.oif ?? '?'}`;
          lines.push(`${where} mark ${e.mark ?? '0x0'} zone ${zone ?? 0}`);
          zone = undefined;
        }
        continue;
      }
      if (e.kind === 'rule' && e.handle !== undefined) {
        const id = view.ruleOf(`${e.family} ${e.table} ${e.chain} ${e.handle}`);
        if (id && rules[rules.length - 1] !== id) rules.push(id);
      }
    }
  }
  if (lines.length === 0) lines.push('dropped (nothing delivered, no reply)');
  return { lines: [...new Set(lines)].sort(), rules };
}

function describePacket(s: PacketSpec, via: string): string {
  const proto = s.proto === 6 ? 'tcp' : s.proto === 17 ? 'udp' : s.proto === 1 ? 'icmp' : s.proto === 58 ? 'icmpv6' : `proto ${s.proto}`;
  const ports = s.sport !== undefined ? `${s.src}:${s.sport} > ${s.dst}:${s.dport}` : `${s.src} > ${s.dst}`;
  const extra = s.proto === 6 ? ` flags ${s.flags ?? 'S'}` : s.icmpType !== undefined ? ` type ${s.icmpType}/${s.icmpCode ?? 0}` : '';
  const mac = s.srcMac ? ` from mac ${s.srcMac}` : '';
  return `${proto} ${ports}${extra}${mac} ${via}`;
}

// ---------------------------------------------------------------- the run

const BATCH = 96;
/** Differing probes are sent again, each alone, this many per collection. */
const CONFIRM_BATCH = 64;
/** Seconds between two packets of a batch (keeps nft monitor from falling behind). */
const PACKET_GAP = 0.0006;

export async function verify(input: VerifyInput): Promise<VerifyResult> {
  const started = Date.now();
  await checkPrerequisites(input.original);
  sweepStaleNamespaces();
  const ledger = new Ledger();
  const notes: string[] = [];
  try {
    const names = interfaceNames(input.original);
    const ifaces = planInterfaces(names);
    const id = runId();
    const [orig, conv, bridge] = await Promise.all([
      createTopology(ledger, id, 'orig', ifaces),
      createTopology(ledger, id, 'conv', ifaces),
      input.original.substitutions.length ? bridgeSupport(ledger, id) : Promise.resolve(undefined),
    ]);
    if (bridge) {
      const lacks = [bridge.conntrack && `conntrack in bridge tables (\`ct state\`: "${bridge.conntrack}")`, bridge.meta && `bridge meta (\`meta ibrname\`: "${bridge.meta}")`].filter(Boolean);
      notes.push(
        lacks.length
          ? `this kernel lacks ${lacks.join(' and ')}, so the bridge-family alternative cannot run here: bridge ports are tested as routed interfaces in both rulesets`
          : 'this kernel could load the bridge-family alternative, but verify builds routed topologies only: bridge ports are tested as routed interfaces in both rulesets',
      );
    }
    const agent = new PacketAgent();
    const agentReady = agent.start(ledger, [orig, conv]);
    agentReady.catch(() => undefined);
    await loadOriginal(orig, input.original);
    try {
      await run(inNs(conv.fw, ['nft', '-f', '-']), input.nftText);
    } catch (e) {
      throw new LoadFailure(`${input.nftLabel} does not load: ${e instanceof ToolError ? e.stderr.trim() : (e as Error).message}`);
    }
    const obs = observationRuleset(input.original.zones);
    await Promise.all([run(inNs(orig.fw, ['nft', '-f', '-']), obs), run(inNs(conv.fw, ['nft', '-f', '-']), obs)]);
    const [origList, convList] = await Promise.all([run(inNs(orig.fw, ['nft', '-a', 'list', 'ruleset'])), run(inNs(conv.fw, ['nft', '-a', 'list', 'ruleset']))]);
    const origHandles = ruleHandles(origList);
    const convHandles = ruleHandles(convList);
    const origRuleOf = (key: string) => {
      const p = origHandles.get(key);
      return p ? `${p.family} ${p.table} ${p.chain} #${p.index}` : undefined;
    };
    const convRuleOf = input.conversion ? convertedRuleMap(convHandles, input.conversion.nft, input) : await againstRuleMap(ledger, id, convHandles, input);

    const monitors = [new TraceMonitor(orig.fw), new TraceMonitor(conv.fw)];
    await Promise.all([...monitors.map((m) => m.start(ledger)), agentReady]);

    const probes = generateProbes(input.original, ifaces, { seed: input.seed, maxProbes: input.maxProbes });
    let tag = 1;
    const replan = (p: Probe): Planned | undefined => {
      if (tag > 65000) return undefined;
      const t = tag++;
      const o = p.opener ? tag++ : undefined;
      return plan(p, t, o, ifaces);
    };
    const planned: Planned[] = [];
    for (const p of probes) {
      const pl = replan(p);
      if (pl) planned.push(pl);
    }
    const fwIfaceOfWorld = new Map(ifaces.map((i) => [i.world, i]));
    const ifName = (w: string) => fwIfaceOfWorld.get(w)?.name ?? w;
    const natStatic = staticNatPlacements(input.original, ifaces);
    const sentProbe = new Map<string, SendItemSpec>();
    const exercised = new Set<string>();
    let packets = 0;

    const runBatch = async (batch: readonly Planned[], quietMs: number) => {
      const placements = new Map<string, Placement>(natStatic);
      for (const b of batch) for (const [a, p] of b.placements) placements.set(a, p);
      const routes = routeCommands(placements);
      await Promise.all(
        [orig, conv].map(async (t) => {
          await run(['ip', '-n', t.fw, '-batch', '-'], routes[4]);
          await run(['ip', '-6', '-n', t.fw, '-batch', '-'], routes[6]);
          await run(inNs(t.fw, ['conntrack', '-F']), undefined).catch(() => undefined);
          await run(inNs(t.fw, ['conntrack', '-F', '-f', 'ipv6']), undefined).catch(() => undefined);
        }),
      );
      const round1: SendItem[] = [];
      for (const side of [0, 1]) for (const b of batch) round1.push({ side, via: b.first.via, spec: b.first.spec });
      packets += round1.length;
      mustSend(await agent.send(round1, PACKET_GAP));
      await settle(agent, monitors, quietMs);
      const withOpener = batch.filter((b) => b.openerTag !== undefined);
      if (withOpener.length) {
        const openerTags = new Set(withOpener.map((b) => b.openerTag));
        const caps = agent.captured.filter((c) => openerTags.has(c.tag));
        const round2: SendItem[] = [];
        for (const side of [0, 1]) {
          const sideCaps = caps.filter((c) => c.side === side);
          for (const b of withOpener) {
            const r = replyTo(b, sideCaps, fwIfaceOfWorld);
            sentProbe.set(`${side} ${b.tag}`, r);
            round2.push({ side, via: r.via, spec: r.spec });
          }
        }
        packets += round2.length;
        mustSend(await agent.send(round2, PACKET_GAP));
        await settle(agent, monitors, quietMs);
      }
      for (const m of monitors) {
        const lost = m.otherLines.splice(0).filter((l) => /lost/i.test(l));
        if (lost.length) notes.push(`nft monitor trace: ${lost[0]} (the differing probes were sent again one by one)`);
      }
    };
    // Trace events and captures can trail the batch that caused them: observe once everything has arrived.
    const collect = async (): Promise<SideView[]> => {
      await settle(agent, monitors, 300);
      // Without its observers a run would see nothing on either side and call that "no difference".
      for (const m of monitors) if (!m.running) throw new ObservationFailure(`nft monitor trace stopped: ${m.takeErrors().trim() || 'no message'}`);
      const caps = agent.take();
      return [0, 1].map((side) => ({
        captured: indexCaptures(caps.filter((c) => c.side === side)),
        traces: indexTraces(monitors[side]!.take()),
        ruleOf: side === 0 ? origRuleOf : convRuleOf,
      }));
    };
    const compare = (b: Planned, views: SideView[]): Difference | undefined => {
      const outcome = (side: number): ProbeOutcome => {
        const v = views[side]!;
        if (b.openerTag === undefined) return observe(v, b.tag, b.first.spec, ifName, input.original.zones);
        const opener = observe(v, b.openerTag, b.first.spec, ifName, input.original.zones);
        const sent = sentProbe.get(`${side} ${b.tag}`)!;
        const reply = observe(v, b.tag, sent.spec, ifName, input.original.zones);
        return { lines: [...opener.lines.map((l) => `opener: ${l}`), ...reply.lines], rules: [...opener.rules, ...reply.rules] };
      };
      const o = outcome(0);
      const c = outcome(1);
      for (const r of o.rules) exercised.add(r);
      if (o.lines.join('\n') === c.lines.join('\n')) return undefined;
      const packet = b.openerTag === undefined ? describePacket(b.first.spec, viaText(b.first.via, ifName)) : `after opener ${describePacket(b.first.spec, viaText(b.first.via, ifName))}: reply ${describePacket(sentProbe.get(`0 ${b.tag}`)!.spec, viaText(sentProbe.get(`0 ${b.tag}`)!.via, ifName))}`;
      const explainedBy = [...new Set([...o.rules, ...c.rules].filter((r) => input.diagnosed.has(r)))];
      // The rule the probe was made for, when it got there; else where the two traces part.
      const origin = b.probe.origin;
      const reached = origin !== undefined && (o.rules.includes(origin) || c.rules.includes(origin));
      const rule = (reached ? origin : divergence(o.rules, c.rules)) ?? origin ?? o.rules[o.rules.length - 1];
      return { probe: b.probe, packet, original: o, converted: c, ...(rule ? { rule } : {}), explainedBy };
    };

    const batches = makeBatches(planned);
    let done = 0;
    for (const batch of batches) {
      await runBatch(batch, 25);
      done += batch.length;
      input.onProgress?.(done, planned.length);
    }
    const views = await collect();
    if (planned.length && [...views].every((v) => v.captured.size === 0 && v.traces.size === 0)) throw new ObservationFailure('no probe was seen anywhere (no capture, no trace event): the observation does not work on this machine');
    const suspects = planned.filter((b) => compare(b, views) !== undefined);
    // A difference counts only if it shows again when the probe is sent again in a small batch (trace events can be lost under load).
    const differences: Difference[] = [];
    let unconfirmed = 0;
    for (let i = 0; i < suspects.length; i += CONFIRM_BATCH) {
      const again: Planned[] = [];
      for (const b of suspects.slice(i, i + CONFIRM_BATCH)) {
        const b2 = replan(b.probe);
        if (b2) again.push(b2);
        else differences.push(compare(b, views)!); // no tags left to send it again
      }
      for (const group of makeBatches(again, 8)) await runBatch(group, 40);
      const v2 = await collect();
      for (const b of again) {
        const d = compare(b, v2);
        if (d) differences.push(d);
        else unconfirmed++;
      }
    }
    if (unconfirmed) notes.push(`${unconfirmed} probes differed once but not when sent again alone (not counted)`);
    const batchCount = batches.length;
    const probed = new Set(planned.map((p) => p.probe.origin).filter(Boolean));
    const unreachable = input.original.rules.filter((r) => allowedKinds(r).length === 0).map((r) => r.id);
    const unprobed = input.original.rules.filter((r) => allowedKinds(r).length > 0 && !probed.has(r.id)).map((r) => r.id);
    if (planned.length < probes.length) notes.push(`${probes.length - planned.length} probes could not be placed in the topology and were skipped`);
    return {
      probes: planned.length,
      packets,
      batches: batchCount,
      seconds: (Date.now() - started) / 1000,
      differences,
      unexplained: differences.filter((d) => d.explainedBy.length === 0),
      explained: differences.filter((d) => d.explainedBy.length > 0),
      rules: input.original.rules,
      unreachable,
      unprobed,
      exercised,
      notes,
    };
  } finally {
    ledger.dispose();
  }
}

export class LoadFailure extends Error {}

/** The probes could not be sent or observed: the run proves nothing. */
export class ObservationFailure extends Error {}

function mustSend(r: { errors: { tag: number; error: string }[] }): void {
  if (r.errors.length) throw new ObservationFailure(`the packet agent could not send ${r.errors.length} packet(s): ${r.errors[0]!.error}`);
}

/** What the kernel says to a bridge table with conntrack and with bridge meta (undefined: loads). */
async function bridgeSupport(ledger: Ledger, id: string): Promise<{ conntrack?: string; meta?: string }> {
  const ns = ledger.namespace(`nflv-${id}-bridgecheck`);
  await run(['ip', 'netns', 'add', ns]);
  const tryLoad = async (stmt: string) => {
    try {
      await run(inNs(ns, ['nft', '-f', '-']), `table bridge nflens_check {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\t${stmt}\n\t}\n}\n`);
      return undefined;
    } catch (e) {
      const m = /Error: (.*)$/m.exec(e instanceof ToolError ? e.stderr : String(e));
      return m ? m[1]!.replace(/^Could not process rule: /, '') : 'does not load';
    }
  };
  const [conntrack, meta] = [await tryLoad('ct state established accept'), await tryLoad('meta ibrname "br0" accept')];
  await run(['ip', 'netns', 'delete', ns]).catch(() => undefined);
  return { ...(conntrack ? { conntrack } : {}), ...(meta ? { meta } : {}) };
}

/** The first original rule one side matched and the other did not (only when both traces map to original rules). */
function divergence(original: readonly string[], converted: readonly string[]): string | undefined {
  if (converted.length === 0) return undefined;
  const n = Math.max(original.length, converted.length);
  for (let i = 0; i < n; i++) if (original[i] !== converted[i]) return original[i] ?? converted[i];
  return undefined;
}

function viaText(via: string, ifName: (w: string) => string): string {
  return via === '@fw' ? 'sent by the firewall' : `in on ${ifName(via)}`;
}

async function loadOriginal(t: Topology, original: OriginalRuleset): Promise<void> {
  if (original.ipsets.length) {
    const text = original.ipsets
      .map((s) => [`create ${s.name} ${s.type} ${Object.entries(s.options).map(([k, v]) => (v === true ? k : `${k} ${v}`)).join(' ')}`.trim(), ...s.elements.map((e) => `add ${s.name} ${e.parts.join(',')}${e.options.length ? ' ' + e.options.join(' ') : ''}`)].join('\n'))
      .join('\n');
    await run(inNs(t.fw, ['ipset', 'restore']), text + '\n');
  }
  for (const d of original.dumps) {
    try {
      await run(inNs(t.fw, [d.family === 4 ? 'iptables-restore' : 'ip6tables-restore']), d.loadedText);
    } catch (e) {
      throw new CannotRun(`the original ruleset ${d.file} does not load with ${d.family === 4 ? 'iptables-restore' : 'ip6tables-restore'}: ${e instanceof ToolError ? e.stderr.trim() : (e as Error).message}`);
    }
  }
}

/** NAT targets get a fixed interface for the run (any but the catch-all), so translated packets have somewhere to go. */
function staticNatPlacements(original: OriginalRuleset, ifaces: readonly TopologyIface[]): Map<string, Placement> {
  const m = new Map<string, Placement>();
  const candidates = ifaces.filter((i) => i.name !== 'nflv-other');
  if (!candidates.length) return m;
  let k = 0;
  for (const r of original.rules) {
    if (r.target !== 'DNAT') continue;
    for (const a of r.natTo) if (!m.has(a) && !isSpecial(a)) m.set(a, { iface: candidates[k++ % candidates.length]! });
  }
  return m;
}

function makeBatches(planned: readonly Planned[], size = BATCH): Planned[][] {
  const batches: { items: Planned[]; placements: Map<string, Placement>; tuples: Set<string> }[] = [];
  for (const p of planned) {
    const s = p.first.spec;
    const tuple = [s.l3, s.proto, [s.src, s.dst].sort().join(','), [s.sport, s.dport].sort().join(',')].join(' ');
    let home = batches.find(
      (b) => b.items.length < size && !b.tuples.has(tuple) && [...p.placements].every(([a, pl]) => !b.placements.has(a) || samePlacement(b.placements.get(a)!, pl)),
    );
    if (!home) {
      home = { items: [], placements: new Map(), tuples: new Set() };
      batches.push(home);
    }
    home.items.push(p);
    home.tuples.add(tuple);
    for (const [a, pl] of p.placements) home.placements.set(a, pl);
  }
  return batches.map((b) => b.items);
}

/** Waits until captures (and, at the end, trace events) stop coming; the kernel handles a veth frame as it is sent. */
async function settle(agent: PacketAgent, monitors: readonly TraceMonitor[], quietMs = 25): Promise<void> {
  await agent.sync(0.02);
  const deadline = Date.now() + 2000 + quietMs;
  while (Date.now() < deadline) {
    if (agent.quietFor >= quietMs && monitors.every((m) => m.quietFor >= quietMs || quietMs < 100)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * --against: a rule of the given ruleset stands for an original rule when nft lists it exactly as
 * it lists our own conversion of that rule (same table, chain and text); loaded in a scratch namespace.
 */
async function againstRuleMap(ledger: Ledger, id: string, handles: Map<string, RulePosition>, input: VerifyInput): Promise<(key: string) => string | undefined> {
  const own = input.ownConversion;
  if (!own) return () => undefined;
  const ns = ledger.namespace(`${NS_PREFIX}${id}-reference`);
  try {
    await run(['ip', 'netns', 'add', ns]);
    await run(inNs(ns, ['ip', 'link', 'set', 'lo', 'up']));
    await run(inNs(ns, ['nft', '-f', '-']), own.output);
    const ownHandles = ruleHandles(await run(inNs(ns, ['nft', '-a', 'list', 'ruleset'])));
    const ownOf = convertedRuleMap(ownHandles, own.nft, input);
    const byText = new Map<string, string | null>();
    const byPosition = new Map<string, string>();
    const count = (hs: Map<string, RulePosition>) => {
      const n = new Map<string, number>();
      for (const p of hs.values()) n.set(`${p.family} ${p.table} ${p.chain}`, (n.get(`${p.family} ${p.table} ${p.chain}`) ?? 0) + 1);
      return n;
    };
    for (const [key, p] of ownHandles) {
      const rule = ownOf(key);
      if (!rule) continue;
      const t = `${p.family} ${p.table} ${p.chain} ${p.text}`;
      byText.set(t, byText.has(t) && byText.get(t) !== rule ? null : rule);
      byPosition.set(`${p.family} ${p.table} ${p.chain} #${p.index}`, rule);
    }
    const ownCount = count(ownHandles);
    const givenCount = count(handles);
    return (key: string) => {
      const p = handles.get(key);
      if (!p) return undefined;
      const chain = `${p.family} ${p.table} ${p.chain}`;
      // Same text: the same rule. Else, in a chain with as many rules as ours, the rule in the same place (a changed rule).
      return byText.get(`${chain} ${p.text}`) ?? (ownCount.get(chain) === givenCount.get(chain) ? byPosition.get(`${chain} #${p.index}`) : undefined);
    };
  } catch {
    return () => undefined; // our own conversion does not load here: no rule-level attribution for the given ruleset
  } finally {
    await run(['ip', 'netns', 'delete', ns]).catch(() => undefined);
  }
}

/** nft rule (family table chain handle) → the original rule it was converted from, for our own conversion. */
function convertedRuleMap(handles: Map<string, RulePosition>, nft: NftFile, input: VerifyInput): (key: string) => string | undefined {
  const conv = { nft };
  const byLine = new Map<string, string>();
  for (const r of input.original.rules) byLine.set(`${r.family} ${r.line}`, r.id);
  const positions = new Map<string, string>();
  for (const t of conv.nft.items) {
    if (t.kind !== 'table') continue;
    const fam = t.family === 'ip' ? 4 : t.family === 'ip6' ? 6 : undefined;
    if (fam === undefined) continue;
    for (const item of t.items) {
      if (item.kind !== 'chain') continue;
      let i = 0;
      for (const r of item.rules) {
        if (r.kind !== 'rule' || r.disabled !== undefined) continue;
        i++;
        const line = r.origin?.start.line;
        const id = line === undefined ? undefined : byLine.get(`${fam} ${line}`);
        if (id) positions.set(`${t.family} ${t.name} ${item.name} #${i}`, id);
      }
    }
  }
  return (key: string) => {
    const p = handles.get(key);
    return p ? positions.get(`${p.family} ${p.table} ${p.chain} #${p.index}`) : undefined;
  };
}
