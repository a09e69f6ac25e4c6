import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main';

/* ansible-playbook and ansible-lint (Debian's, as .ci/run installs them) on the rendered playbook. */

describe('Ansible tooling on the rendered playbook', () => {
  const tools = ['ansible-playbook', 'ansible-lint'].every((t) => spawnSync(t, ['--version']).status === 0);
  if (process.env.CI === 'true' && !tools) {
    test('ansible-playbook and ansible-lint are installed in CI', () => {
      throw new Error('ansible-core and ansible-lint are missing: .ci/run must install them');
    });
  }
  const toolTest = tools ? test : test.skip;
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'ansible-'));
    await run(['--out', out]);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  toolTest('ansible-playbook --syntax-check passes', () => {
    const r = spawnSync('ansible-playbook', ['-i', 'inventory.yml', '--syntax-check', 'site.yml'], { cwd: join(out, 'host-provisioning/ansible'), encoding: 'utf8' });
    expect(`${r.status} ${r.stderr}`).toBe('0 ');
  });

  toolTest('ansible-lint passes with the production profile', () => {
    const r = spawnSync('ansible-lint', ['--profile', 'production', '--offline', '--nocolor', 'site.yml'], {
      cwd: join(out, 'host-provisioning/ansible'),
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(out, '.ansible-tmp') },
    });
    expect(`${r.status} ${r.stdout.split('\n').filter((l) => /^\S+:\d+/.test(l)).join('\n')}`).toBe('0 ');
  }, 300000);
});
