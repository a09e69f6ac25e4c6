import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hardenedNodeConfig, hardenedServerConfig } from '../../lib/k3s/cis-hardening';
import { K3S_AGENT_FLAGS, K3S_SECRETS_ENCRYPT, K3S_SERVER_FLAGS, undefinedK3sFlags } from '../../lib/k3s/k3s-cli-flags';
import { REPO } from '../helpers';

/** Every `k3s secrets-encrypt ...` command line in a text: subcommand and long flags. */
function secretsEncryptCommands(text: string): { line: string; sub: string; flags: string[] }[] {
  return [...text.matchAll(/k3s secrets-encrypt ([^\n#`]*)/g)].map((m) => {
    const words = m[1].trim().split(/\s+/);
    return { line: m[0].trim(), sub: words[0], flags: words.slice(1).filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')[0]) };
  });
}

describe('the k3s CLI table', () => {
  test('every entry names the k3s file it was read from and its commit', () => {
    for (const source of [...K3S_SERVER_FLAGS.values(), ...K3S_AGENT_FLAGS.values(), ...[...K3S_SECRETS_ENCRYPT.values()].map((s) => s.source)]) {
      expect(source.file).toMatch(/^k3s-io\/(k3s pkg\/cli\/cmds\/|docs docs\/cli\/)[a-z_-]+\.(go|md)$/);
      expect(source.at).toMatch(/^[0-9a-f]{40}\b/);
    }
  });

  test('the hardened server and node keys are flags k3s defines for them', () => {
    expect(undefinedK3sFlags('server', [...Object.keys(hardenedServerConfig()), ...Object.keys(hardenedNodeConfig())])).toEqual([]);
    expect(undefinedK3sFlags('agent', Object.keys(hardenedNodeConfig()))).toEqual([]);
  });

  test('server-only flags are refused on an agent, and an unknown flag anywhere', () => {
    expect(undefinedK3sFlags('agent', ['secrets-encryption', 'kube-apiserver-arg', 'node-ip'])).toEqual(['kube-apiserver-arg', 'secrets-encryption']);
    expect(undefinedK3sFlags('server', ['protect-kernel-default'])).toEqual(['protect-kernel-default']);
  });
});

describe('the README key-rotation commands', () => {
  const commands = secretsEncryptCommands(readFileSync(join(REPO, 'README.md'), 'utf8'));

  test('GIVEN the README THEN it documents rotation, the status to wait for and re-encryption', () => {
    expect(commands.map((c) => c.line)).toEqual([
      'k3s secrets-encrypt status',
      'k3s secrets-encrypt rotate-keys',
      'k3s secrets-encrypt status',
      'k3s secrets-encrypt reencrypt --force --skip',
      'k3s secrets-encrypt status',
    ]);
  });

  test('every command is a subcommand of the pinned k3s with flags it defines', () => {
    for (const c of commands) {
      const sub = K3S_SECRETS_ENCRYPT.get(c.sub);
      expect([c.line, sub === undefined ? 'unknown subcommand' : 'ok']).toEqual([c.line, 'ok']);
      expect([c.line, c.flags.filter((f) => !sub!.flags.includes(f))]).toEqual([c.line, []]);
    }
  });

  test('the matcher catches a subcommand k3s does not have', () => {
    const [c] = secretsEncryptCommands('sudo k3s secrets-encrypt rotate-key --now\n');
    expect([c.sub, K3S_SECRETS_ENCRYPT.has(c.sub), c.flags]).toEqual(['rotate-key', false, ['now']]);
  });
});
