/** Messages between the conversion view and its verify worker process (plain data, no `vscode`). */
import type { ConvertFileOptions } from '../../convert/translate/convert';
import type { DumpInput } from '../../verify/index';

export interface VerifyRequest {
  readonly dumps: DumpInput[];
  readonly ipsets: { file: string; text: string }[];
  readonly convert: ConvertFileOptions;
  readonly seed: number;
  readonly maxProbes: number;
}

/** An original rule under which unexplained differences are reported. */
export interface RuleWithDifferences {
  readonly rule: string;
  /** As given in the request's dumps (the source URI). */
  readonly file: string;
  /** 0-based line in that dump. */
  readonly line: number;
  readonly text: string;
  /** Probes that differ under it. */
  readonly probes: number;
}

export interface VerifySummary {
  readonly probes: number;
  readonly packets: number;
  readonly seconds: number;
  readonly rules: number;
  readonly rulesExercised: number;
  /** Probes whose outcome differs outside diagnosed rules (translation bugs). */
  readonly unexplained: number;
  /** Probes whose outcome differs on the path of a diagnosed rule (expected). */
  readonly explained: number;
  readonly unexplainedRules: RuleWithDifferences[];
  /** Unexplained differences with no original rule to show them on (chain policies). */
  readonly unattributed: number;
  readonly notes: string[];
  /** The `nflens verify` text report. */
  readonly report: string;
}

export type VerifyWorkerMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; result: VerifySummary }
  /** Missing privileges or tools, a dump that does not parse, probes that could not be sent or observed (exit 2 of the CLI). */
  | { kind: 'cannot-run'; message: string }
  /** The nft ruleset does not load (exit 1 of the CLI). */
  | { kind: 'load-failure'; message: string }
  | { kind: 'failed'; message: string };
