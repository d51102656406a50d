// Errors of the remote layer: one class, a stable kind, a message a user can act on.
import type { CommandResult } from './runner';

export type RemoteErrorKind =
  | 'refused' // TCP connection refused
  | 'unreachable' // no route, host down
  | 'dns' // name does not resolve
  | 'timeout' // connect/handshake or command took too long
  | 'auth-failed' // every authentication method was rejected
  | 'host-key-mismatch' // known_hosts holds a different key for the host
  | 'host-key-revoked' // the key is marked @revoked
  | 'host-key-untrusted' // unknown key and the user (or the CLI flag) did not trust it
  | 'connection-lost' // the connection dropped and could not be re-established
  | 'sudo-password' // `sudo -n` would need a password
  | 'command-missing' // the program is not installed on the node
  | 'command-failed' // it ran and exited non-zero
  | 'cancelled'
  | 'config'; // bad host entry, ProxyJump loop, unreadable key...

export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    readonly host?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RemoteError';
  }
}

/** Turns a failed command's result into a RemoteError that says what went wrong. */
export function commandFailure(host: string, argv: readonly string[], result: CommandResult): RemoteError {
  const stderr = result.stderr.trim();
  const program = programOf(argv);
  if (/sudo: (a password is required|a terminal is required|no tty present)/.test(stderr)) {
    return new RemoteError(
      'sudo-password',
      `${host}: sudo needs a password for ${program} (nflens runs \`sudo -n\` and never types one); allow it with NOPASSWD in sudoers or connect as root`,
      host,
    );
  }
  const missing =
    stderr.match(/([^\s:]+): (?:command )?not found\s*$/m) ?? stderr.match(/exec of "([^"]+)" failed: No such file or directory/);
  if (result.code === 127 || missing) {
    const what = missing?.[1] ?? program;
    return new RemoteError('command-missing', `${host}: ${what} is not installed (or not in PATH) on the node`, host);
  }
  const firstLines = stderr.split('\n').slice(0, 3).join(' / ');
  const how = result.code === null ? `was killed${result.signal ? ` by ${result.signal}` : ''}` : `exited with ${result.code}`;
  return new RemoteError('command-failed', `${host}: ${argv.join(' ')} ${how}${firstLines ? `: ${firstLines}` : ''}`, host);
}

/** The program the user cares about in `sudo -n -- ip netns exec NS prog ...`. */
function programOf(argv: readonly string[]): string {
  let rest = [...argv];
  if (rest[0] === 'sudo') rest = rest.slice(rest.indexOf('--') + 1 || 1);
  if (rest[0] === 'ip' && rest[1] === 'netns' && rest[2] === 'exec') rest = rest.slice(4);
  return rest[0] ?? argv[0] ?? '?';
}
