import { strict as assert } from 'node:assert';
import {
  checkHostKey,
  entryMatchesName,
  fingerprintSha256,
  formatKnownHostsLine,
  hashKnownHostsName,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/remote/known-hosts';

// Written by `ssh-keygen -H` (OpenSSH 9.2) from `[10.0.0.1]:2222 KEY` and `node-1.example KEY`.
const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIORmI62DllSfv4/sH1LZKT1C+jkXXI6kL1fB8SWP5KkB';
const OTHER_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIAGftoiMVgRStPKAotEs2pTapuFYO/1LWGZz5Ws3ldWl';
const HASHED = [
  `|1|AVahP9L/RG+XqpkR/vhPp2YM+ss=|0Np52N1kKu0PwEQT0f9oshcDP0U= ssh-ed25519 ${KEY}`,
  `|1|3ybxYs5xzw5IyXkyamvLK1q5Gu0=|yIgJiRIvM7RkX8p0J32j6qpcm1A= ssh-ed25519 ${KEY}`,
].join('\n');
const blob = Buffer.from(KEY, 'base64');
const otherBlob = Buffer.from(OTHER_KEY, 'base64');

describe('known_hosts', () => {
  it('matches hashed entries written by ssh-keygen -H (HMAC-SHA1 of the name, keyed by the salt)', () => {
    const { entries, problems } = parseKnownHosts(HASHED);
    assert.deepEqual(problems, []);
    assert.equal(entries.length, 2);
    assert.equal(entryMatchesName(entries[0]!, '[10.0.0.1]:2222'), true);
    assert.equal(entryMatchesName(entries[0]!, '10.0.0.1'), false);
    assert.equal(entryMatchesName(entries[1]!, 'node-1.example'), true);
    assert.equal(checkHostKey(entries, '10.0.0.1', 2222, blob).status, 'trusted');
    assert.equal(checkHostKey(entries, 'node-1.example', 22, blob).status, 'trusted');
    assert.equal(checkHostKey(entries, 'node-1.example', 2222, blob).status, 'unknown');
  });

  it('hashes names the way it reads them', () => {
    const line = `${hashKnownHostsName('[h]:22022')} ssh-ed25519 ${KEY}`;
    assert.equal(checkHostKey(parseKnownHosts(line).entries, 'h', 22022, blob).status, 'trusted');
  });

  it('uses [host]:port for ports other than 22', () => {
    assert.equal(knownHostsName('h', 22), 'h');
    assert.equal(knownHostsName('h', 2222), '[h]:2222');
    assert.equal(knownHostsName('fd00::1', 2222), '[fd00::1]:2222');
    const { entries } = parseKnownHosts(`h ssh-ed25519 ${KEY}\n[h]:2222 ssh-ed25519 ${OTHER_KEY}`);
    assert.equal(checkHostKey(entries, 'h', 22, blob).status, 'trusted');
    assert.equal(checkHostKey(entries, 'h', 2222, otherBlob).status, 'trusted');
    assert.equal(checkHostKey(entries, 'h', 2222, blob).status, 'mismatch');
  });

  it('reports a different key of the same type as a mismatch, naming file and line', () => {
    const { entries } = parseKnownHosts(`# comment\n\nnode-1,10.0.0.1 ssh-ed25519 ${OTHER_KEY}`, '/home/u/.ssh/known_hosts');
    const status = checkHostKey(entries, '10.0.0.1', 22, blob);
    assert.equal(status.status, 'mismatch');
    if (status.status === 'mismatch') {
      assert.equal(status.entries[0]!.file, '/home/u/.ssh/known_hosts');
      assert.equal(status.entries[0]!.line, 3);
    }
  });

  it('treats a key type the host has no entry for as unknown, listing the known types', () => {
    const { entries } = parseKnownHosts(`node-1 ecdsa-sha2-nistp256 ${OTHER_KEY}`);
    const status = checkHostKey(entries, 'node-1', 22, blob);
    assert.deepEqual(status, { status: 'unknown', otherKeyTypes: ['ecdsa-sha2-nistp256'] });
    assert.deepEqual(knownKeyTypes(entries, 'node-1', 22), ['ecdsa-sha2-nistp256']);
  });

  it('refuses @revoked keys even when another line trusts them', () => {
    const { entries } = parseKnownHosts(`node-1 ssh-ed25519 ${KEY}\n@revoked * ssh-ed25519 ${KEY}`);
    assert.equal(checkHostKey(entries, 'node-1', 22, blob).status, 'revoked');
  });

  it('ignores @cert-authority lines for plain key checks', () => {
    const { entries } = parseKnownHosts(`@cert-authority *.example ssh-ed25519 ${KEY}`);
    assert.equal(checkHostKey(entries, 'a.example', 22, blob).status, 'unknown');
  });

  it('supports wildcards and negation in plain patterns', () => {
    const { entries } = parseKnownHosts(`*.cloud,!bad.cloud ssh-ed25519 ${KEY}\n10.0.0.? ssh-ed25519 ${KEY}`);
    assert.equal(checkHostKey(entries, 'compute-1.cloud', 22, blob).status, 'trusted');
    assert.equal(checkHostKey(entries, 'bad.cloud', 22, blob).status, 'unknown');
    assert.equal(checkHostKey(entries, '10.0.0.7', 22, blob).status, 'trusted');
    assert.equal(checkHostKey(entries, '10.0.0.17', 22, blob).status, 'unknown');
    assert.equal(checkHostKey(entries, 'COMPUTE-1.CLOUD', 22, blob).status, 'trusted');
  });

  it('reports malformed lines without throwing', () => {
    const { entries, problems } = parseKnownHosts(`onlyhost\n@weird h ssh-ed25519 ${KEY}\n|1|short|x ssh-ed25519 ${KEY}\nh ssh-ed25519 not*base64`);
    assert.equal(entries.length, 0);
    assert.deepEqual(
      problems.map((p) => p.line),
      [1, 2, 3, 4],
    );
  });

  it('computes the SHA256 fingerprint ssh-keygen -l prints, and the key type from the blob', () => {
    assert.equal(fingerprintSha256(blob), 'SHA256:dZy6FLISneUlWrpCdDHnt22DnRu7BC2VX4kaxo6T/3w');
    assert.equal(keyTypeOfBlob(blob), 'ssh-ed25519');
    assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0])), undefined);
    assert.equal(keyTypeOfBlob(Buffer.from([0xff, 0xff, 0xff, 0xff, 1])), undefined);
  });

  it('formats a line for the trusted-keys store that reads back as trusted', () => {
    for (const hash of [false, true]) {
      const line = formatKnownHostsLine('10.1.2.3', 2200, blob, { hash });
      assert.equal(checkHostKey(parseKnownHosts(line).entries, '10.1.2.3', 2200, blob).status, 'trusted');
    }
    assert.equal(formatKnownHostsLine('h', 22, blob), `h ssh-ed25519 ${KEY}`);
  });
});
