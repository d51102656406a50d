/**
 * Client of the packet agent (agent-source.ts): sends probe packets, receives everything the
 * world namespaces capture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { AGENT_SOURCE } from './agent-source';
import type { Ledger } from './system';
import type { Topology } from './topology';

/** What to put on the wire; the agent builds it with scapy. */
export interface PacketSpec {
  l3: 4 | 6;
  src: string;
  dst: string;
  proto: number;
  tag: number;
  sport?: number;
  dport?: number;
  /** TCP flags in scapy notation (`S`, `SA`, `A`, `R`, `SF`). */
  flags?: string;
  seq?: number;
  ack?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  icmpSeq?: number;
  dscp?: number;
  srcMac?: string;
}

/** A packet the agent captured on a world interface. */
export interface Captured {
  side: number;
  /** World interface name (`w3`). */
  iface: string;
  l3: 4 | 6;
  src: string;
  dst: string;
  proto: number;
  tag: number;
  dscp: number;
  ttl: number;
  sport?: number;
  dport?: number;
  flags?: string;
  seq?: number;
  ack?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  icmpSeq?: number;
  payloadTag?: number;
  srcMac: string;
  dstMac: string;
  quoted?: { l3: 4 | 6; src: string; dst: string; proto: number; tag: number; sport?: number; dport?: number };
}

export interface SendItem {
  side: number;
  /** World interface name, or `@fw` for a packet the firewall itself sends. */
  via: string;
  spec: PacketSpec;
}

export function pythonPath(): string {
  // Debian's python3-scapy lives in the system interpreter's dist-packages.
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export class PacketAgent {
  private child?: ChildProcess;
  private waiters = new Map<number, (v: { errors: { tag: number; error: string }[] }) => void>();
  private nextId = 1;
  private stderr = '';
  readonly captured: Captured[] = [];
  private lastCapture = Date.now();
  private ready?: Promise<void>;

  async start(ledger: Ledger, sides: readonly Topology[]): Promise<void> {
    const config = { sides: sides.map((t) => ({ world: t.world, fw: t.fw, ifaces: t.ifaces.map((i) => ({ world: i.world, fwMac: i.fwMac, worldMac: i.worldMac })) })) };
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', pythonPath(), '-c', AGENT_SOURCE, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    ledger.child(child);
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.stdin!.on('error', () => undefined);
    const rl = createInterface({ input: child.stdout! });
    this.ready = new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`packet agent exited: ${this.stderr.trim().split('\n').slice(-3).join(' ')}`));
      child.once('exit', onExit);
      rl.on('line', (line) => {
        let msg: { ev: string; id?: number; pkt?: Captured; errors?: { tag: number; error: string }[] };
        try {
          msg = JSON.parse(line);
        } catch {
          return;
        }
        if (msg.ev === 'ready') {
          child.removeListener('exit', onExit);
          resolve();
        } else if (msg.ev === 'rx' && msg.pkt) {
          this.captured.push(msg.pkt);
          this.lastCapture = Date.now();
        } else if ((msg.ev === 'sent' || msg.ev === 'synced') && msg.id !== undefined) {
          this.waiters.get(msg.id)?.({ errors: msg.errors ?? [] });
          this.waiters.delete(msg.id);
        }
      });
    });
    await this.ready;
    child.on('exit', () => {
      for (const w of this.waiters.values()) w({ errors: [{ tag: -1, error: `packet agent exited: ${this.stderr.trim()}` }] });
      this.waiters.clear();
    });
  }

  private request(cmd: Record<string, unknown>): Promise<{ errors: { tag: number; error: string }[] }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiters.set(id, resolve);
      if (!this.child || this.child.exitCode !== null) {
        this.waiters.delete(id);
        resolve({ errors: [{ tag: -1, error: `packet agent is not running: ${this.stderr.trim()}` }] });
        return;
      }
      this.child.stdin!.write(JSON.stringify({ ...cmd, id }) + '\n');
    });
  }

  send(items: readonly SendItem[], gapSeconds = 0.0003): Promise<{ errors: { tag: number; error: string }[] }> {
    return this.request({ op: 'send', packets: items, gap: gapSeconds });
  }

  sync(waitSeconds: number): Promise<unknown> {
    return this.request({ op: 'sync', wait: waitSeconds });
  }

  get quietFor(): number {
    return Date.now() - this.lastCapture;
  }

  take(): Captured[] {
    return this.captured.splice(0);
  }

  stop(): void {
    this.child?.stdin?.end();
    this.child?.kill('SIGKILL');
  }
}
