import type { CliIO } from './io';

export interface CliCommand {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** Full help text printed by `nflens NAME --help`. */
  readonly help: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/**
 * A module under src/cli/ and the names of the commands it defines. The module is loaded only
 * when one of them runs (or for the full help): `iptables-restore-translate` never loads ssh2,
 * and the bundler gives each module its own file (scripts/build.mjs).
 */
export interface CommandModule {
  readonly names: readonly string[];
  load(): Promise<readonly CliCommand[]>;
}

/** Every command lives in its own module under src/cli/ and is listed here. Add a command by adding one module and one entry. */
export const commandModules: readonly CommandModule[] = [
  { names: ['snapshot'], load: async () => [(await import('./snapshot')).snapshotCommand] },
  { names: ['fmt'], load: async () => [(await import('./fmt')).fmtCommand] },
  { names: ['check'], load: async () => [(await import('./check')).checkCommand] },
  { names: ['convert'], load: async () => [(await import('./convert')).convertCommand] },
  {
    names: ['iptables-translate', 'ip6tables-translate', 'ebtables-translate', 'arptables-translate', 'iptables-restore-translate', 'ip6tables-restore-translate'],
    load: async () => (await import('./translate')).translateCommands,
  },
  { names: ['verify'], load: async () => [(await import('./verify')).verifyCommand] },
];

/** The command called `name` (or with that alias), loading only its module. */
export async function findCommand(name: string): Promise<CliCommand | undefined> {
  const m = commandModules.find((x) => x.names.includes(name));
  if (!m) return undefined;
  return (await m.load()).find((c) => c.name === name || c.aliases?.includes(name));
}

/** Every command, in the order of the list (loads every module). */
export async function allCommands(): Promise<CliCommand[]> {
  const out: CliCommand[] = [];
  for (const m of commandModules) out.push(...(await m.load()));
  return out;
}
