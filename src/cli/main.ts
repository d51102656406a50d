import { EXIT, isUsageError, type CliIO } from './io';
import { allCommands, findCommand } from './commands';

declare const NFLENS_VERSION: string | undefined;
const version = typeof NFLENS_VERSION === 'string' ? NFLENS_VERSION : '0.1.0';

export async function usage(): Promise<string> {
  const commands = await allCommands();
  const lines = [
    'Usage: nflens <command> [options] [args]',
    '',
    'Read, check and convert Linux firewall rulesets (iptables-save, nft, ipset).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(28)} ${c.summary}`),
    '',
    'Options:',
    '  -h, --help                   show this help, or a command\'s help with `nflens <command> --help`',
    '  -V, --version                print the version',
    '',
    'Exit codes:',
    '  0  success: nothing to report',
    '  1  findings: errors (check), approximated or unsupported rules (convert), differences (verify)',
    '  2  usage error, unreadable file, input that cannot be processed or that iptables-restore rejects, missing privileges',
    '  3  internal error (a bug in nflens; please report it)',
    '',
    'Diagnostics are printed as file:line:col: severity: message [code].',
  ];
  return lines.join('\n') + '\n';
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0]) return runCli([rest[0], '--help'], io);
    io.stdout.write(await usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`nflens ${version}\n`);
    return EXIT.ok;
  }
  const cmd = await findCommand(first);
  if (!cmd) {
    io.stderr.write(`nflens: unknown command '${first}'\nRun 'nflens --help' for the list of commands.\n`);
    return EXIT.usage;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout.write(cmd.help);
    return EXIT.ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (isUsageError(err)) {
      io.stderr.write(`nflens ${cmd.name}: ${err.message}\nRun 'nflens ${cmd.name} --help' for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
