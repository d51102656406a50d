import type { CliIO } from './io';
import { snapshotCommand } from './snapshot';
import { fmtCommand } from './fmt';
import { checkCommand } from './check';
import { convertCommand } from './convert';
import { translateCommands } from './translate';
import { verifyCommand } from './verify';

export interface CliCommand {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** Full help text printed by `nflens NAME --help`. */
  readonly help: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/**
 * Every command lives in its own module under src/cli/ and is listed here.
 * Add a command by adding one module and one line.
 */
export const commands: CliCommand[] = [
  snapshotCommand,
  fmtCommand,
  checkCommand,
  convertCommand,
  ...translateCommands,
  verifyCommand,
];
