import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OUTPUT_DIRS, run, STATE_DIR } from '../../main';
import { FIXTURES, REPO, tree } from '../helpers';

/* The write path of main.ts: user files, the lock, the journal, odd --out and --spec values.
 * Synth processes killed inside the swap: test/programs/killed-synth.test.ts. */

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'homelab-write-'));
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('user files', () => {
  test('fails when an output folder holds a file synth did not write, and keeps it', async () => {
    // GIVEN an output, and the user's vault where an old README put it
    await run(['--out', out]);
    const vault = join(out, 'host-provisioning/ansible/group_vars/all/vault.yml');
    mkdirSync(dirname(vault), { recursive: true });
    writeFileSync(vault, '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
    const before = tree(out);
    // WHEN
    const result = await run(['--out', out]);
    // THEN
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('has 1 file that synth did not write in the folders it replaces whole (dist/, flux/, host-provisioning/)');
    expect(result.stderr).toContain('  - host-provisioning/ansible/group_vars/all/vault.yml\n');
    expect(tree(out)).toEqual(before);
  });

  test('every file the README has the user keep survives synths, and git ignores it', async () => {
    // GIVEN the private files the README names, at their paths (relative to the repository)
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const named = [...new Set([...readme.matchAll(/private\/([\w.<>-]+(?:\/[\w.<>-]+)*)/g)].map((m) => `private/${m[1].replace('<node>', 'pi-cp')}`))]
      .filter((p) => /\.[a-z]+$|token|password|kubeconfig/.test(p))
      // The README lists the token inside its private/ bullet by its bare name.
      .concat(readme.includes('`k3s-token` (random)') ? ['private/k3s-token'] : [])
      .sort();
    expect(named).toEqual(
      expect.arrayContaining(['private/age.agekey', 'private/k3os/pi-cp.yaml', 'private/k3s-token', 'private/kubeconfig', 'private/vault-password', 'private/vault.yml']),
    );
    for (const path of named) {
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(join(out, path), `secret of ${path}\n`);
    }
    // WHEN two synths run, the first into the empty folder, the second of another cluster
    expect((await run(['--out', out])).exitCode).toBe(0);
    expect((await run(['--spec', join(FIXTURES, 'valid', 'minimal.yaml'), '--out', out, '--allow-data-loss'])).exitCode).toBe(0);
    // THEN the files are as the user wrote them, outside synth's folders, and git would not commit them
    for (const path of named) {
      expect(readFileSync(join(out, path), 'utf8')).toBe(`secret of ${path}\n`);
      expect(OUTPUT_DIRS.some((d) => path.startsWith(`${d}/`))).toBe(false);
      const ignored = spawnSync('git', ['-C', REPO, 'check-ignore', '--no-index', path], { encoding: 'utf8' });
      expect(`${path}: ${ignored.stdout.trim()}`).toBe(`${path}: ${path}`);
    }
  });
});

describe('the lock', () => {
  test('fails when another synth holds the output root, naming it, and writes nothing', async () => {
    // GIVEN a lock held by a live process (this one stands in for the other synth)
    mkdirSync(join(out, STATE_DIR));
    const lock = { pid: process.pid, host: hostname(), started: '2026-12-01T08:00:00.000Z' };
    writeFileSync(join(out, STATE_DIR, 'lock'), JSON.stringify(lock));
    // WHEN
    const result = await run(['--out', out]);
    // THEN
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `error: another synth (process ${process.pid}, started 2026-12-01T08:00:00.000Z) is writing ${out}; ` +
        `wait for it to finish, then run again (its lock is ${join(out, STATE_DIR, 'lock')})\n`,
    );
    expect(readdirSync(out)).toEqual([STATE_DIR]);
    expect(readFileSync(join(out, STATE_DIR, 'lock'), 'utf8')).toBe(JSON.stringify(lock));
  });

  test('takes over the lock of a synth that was killed, and releases its own', async () => {
    // GIVEN the lock of a process that no longer runs
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    mkdirSync(join(out, STATE_DIR));
    writeFileSync(join(out, STATE_DIR, 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started: 'x' }));
    // WHEN
    const result = await run(['--out', out]);
    // THEN
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(out, STATE_DIR))).toBe(false);
  });
});

describe('odd --out and --spec values', () => {
  test('fails when --out is a file', async () => {
    writeFileSync(join(out, 'file'), 'x');
    const result = await run(['--out', join(out, 'file')]);
    expect(result).toEqual({ exitCode: 1, stdout: '', stderr: `error: --out ${join(out, 'file')} is not a folder; give a folder (it is created if missing)\n` });
  });

  test('fails when --out is below a file, with the system call and its reason', async () => {
    writeFileSync(join(out, 'file'), 'x');
    const result = await run(['--out', join(out, 'file', 'sub')]);
    expect(result).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `error: cannot stat ${join(out, 'file', 'sub')}: ENOTDIR (a path component is not a folder); nothing was changed\n`,
    });
  });

  test('fails when --out cannot be written (a read-only file system)', async () => {
    // /proc is read-only for everyone, root included.
    const result = await run(['--out', '/proc/homelab-out']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot mkdir \/proc\/homelab-out: (ENOENT|EACCES|EROFS) \(.*\); nothing was changed\n$/);
  });

  test.each([
    ['/dev/zero', 'error: the cluster description /dev/zero is not a regular file\n'],
    ['/tmp', 'error: the cluster description /tmp is not a regular file\n'],
  ])('fails when --spec is %s', async (spec, message) => {
    const result = await run(['--spec', spec, '--out', out]);
    expect(result).toEqual({ exitCode: 1, stdout: '', stderr: message });
  });

  test('fails when the spec is larger than 1 MiB', async () => {
    writeFileSync(join(out, 'big.yaml'), 'x: 1\n'.repeat(300_000));
    const result = await run(['--spec', join(out, 'big.yaml'), '--out', join(out, 'o')]);
    expect(result.stderr).toBe(
      `error: the cluster description ${join(out, 'big.yaml')} is larger than 1 MiB; a real one is a few kilobytes, so this is not one\n`,
    );
    expect(existsSync(join(out, 'o', 'dist'))).toBe(false);
  });
});

describe('npx cdk8s synth', () => {
  test('on a bad spec, the CLI empties only its scratch folder: dist/ and the outputs stay as they were', async () => {
    // GIVEN a folder with outputs, this repository's cdk8s.yaml, and a bad spec
    await run(['--out', out]);
    const before = tree(out, STATE_DIR);
    const config = readFileSync(join(REPO, 'cdk8s.yaml'), 'utf8');
    writeFileSync(join(out, 'cdk8s.yaml'), config);
    writeFileSync(join(out, 'bad.yaml'), readFileSync(join(FIXTURES, 'invalid', 'two-servers.yaml')));
    // WHEN the CLI runs the app (on the bad spec; the rest of the command as cdk8s.yaml has it)
    const app = `${config.match(/^app: (.*)$/m)![1].replace('scripts/', `${REPO}/scripts/`)} --spec bad.yaml --out .`;
    const cli = spawnSync(process.execPath, [join(REPO, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--no-check-upgrade', '--app', app], {
      cwd: out,
      encoding: 'utf8',
    });
    // THEN it fails with our message, and nothing of ours or the outputs is gone
    expect(config).toMatch(/^output: \.build\/cdk8s-cli-out$/m);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toContain('error: bad.yaml has 2 problems:');
    expect(tree(out, STATE_DIR)).toEqual({ ...before, 'bad.yaml': expect.any(String), 'cdk8s.yaml': expect.any(String) });
  });
});
