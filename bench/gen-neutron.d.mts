/** Types of gen-neutron.mjs for TypeScript callers (the benchmarks). */
export interface NeutronDumpOptions {
  rules?: number;
  ports?: number;
  groups?: number;
  family?: 4 | 6;
  useSets?: boolean;
  seed?: number;
}
export function generateNeutronDump(opts?: NeutronDumpOptions): { iptables: string; ipset: string; ruleCount: number };
