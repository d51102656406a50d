// Remote commands are argv arrays; this is the one place they become a shell line.

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell (sh, bash, dash, zsh). */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('an argument contains a NUL byte');
  if (arg !== '' && SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argv array into one shell command line, each argument quoted once. */
export function toShellLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArg).join(' ');
}

/** Wraps argv with `sudo -n` (never prompts: fails with a message when a password would be needed). */
export function withSudo(argv: readonly string[]): string[] {
  return ['sudo', '-n', '--', ...argv];
}
