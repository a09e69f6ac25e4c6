import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { wireguardPublicKey } from '../../bootstrap';
import { PRIVATE_FILES } from '../../lib/bootstrap/bootstrap-plan';
import { SecretsCheck } from '../../lib/checks/secrets-check';
import { secretFilePath, secretReferences } from '../../lib/secrets/secret-references';
import { REPO } from '../helpers';
import { renderSpec } from '../helpers-render';

/*
 * `npm run bootstrap` in a scratch clone of this working tree, with scripted answers, no
 * network and no cluster, using the real sops, age-keygen and ansible-vault (.ci/run
 * installs them). Without them the tests are skipped on a developer's machine and fail in CI.
 */
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const tools = ['sops', 'age-keygen', 'ansible-vault'];
const hasTools = tools.every(has);
const toolTest = hasTools ? test : test.skip;

const ANSWERS = {
  'alertmanager-webhook/url': 'https://ntfy.example.invalid/homelab-alerts-4711',
  'home-assistant/token': 'ha-token-value-0123456789abcdef',
  'ipmi/user': 'bmc-reader-7',
  'ipmi/password': 'bmc-password-value-42',
  'b2/keyId': '004b2keyidvalue0000000001',
  'b2/applicationKey': 'K004b2applicationkeyvalue',
};

/** The tracked and untracked files of this working tree, committed into a fresh repository. */
function scratchClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootstrap-'));
  const list = spawnSync('git', ['-C', REPO, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  for (const file of list.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO, f)))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(dir, file));
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const git = (...args: string[]): void => {
    const r = spawnSync('git', ['-C', dir, '-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'scratch');
  return dir;
}

function bootstrap(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [join(dir, 'scripts', 'bootstrap.mjs'), ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file but git's, the dependencies and the build cache: path -> mode and content. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      const rel = relative(dir, full);
      if (['.git', 'node_modules', '.build'].includes(rel)) continue;
      if (e.isDirectory()) walk(full);
      else files.set(rel, `${statSync(full).mode.toString(8)} ${readFileSync(full, 'utf8')}`);
    }
  };
  walk(dir);
  return files;
}

function decrypt(dir: string, path: string): Record<string, string> {
  const r = spawnSync('sops', ['--decrypt', path], { cwd: dir, encoding: 'utf8', env: { ...process.env, SOPS_AGE_KEY_FILE: join(dir, PRIVATE_FILES.ageKey) } });
  if (r.status !== 0) throw new Error(r.stderr);
  return parse(r.stdout).stringData;
}

describe('npm run bootstrap', () => {
  if (process.env.CI === 'true' && !hasTools) {
    test('sops, age-keygen and ansible-vault are installed in CI', () => {
      expect(tools.filter((t) => !has(t))).toEqual([]);
    });
  }

  describe('GIVEN a scratch clone and scripted answers', () => {
    let dir: string;
    let answersFile: string;
    let first: ReturnType<typeof bootstrap>;
    let afterFirst: Map<string, string>;
    let second: ReturnType<typeof bootstrap>;
    beforeAll(() => {
      if (!hasTools) return;
      dir = scratchClone();
      // beside the clone, not in it: the answers are not a file of the project
      answersFile = `${dir}-answers.yaml`;
      writeFileSync(answersFile, stringify(ANSWERS));
      const answers = ['--answers', answersFile];
      first = bootstrap(dir, answers);
      afterFirst = snapshot(dir);
      second = bootstrap(dir, answers);
    }, 120000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (answersFile) rmSync(answersFile, { force: true });
    });

    toolTest('WHEN it runs THEN it succeeds and every Secret the secrets check asks for has its encrypted file', async () => {
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const cluster = renderSpec(readFileSync(join(dir, 'cluster.yaml'), 'utf8'));
      const refs = secretReferences(cluster.objects);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(existsSync(join(dir, secretFilePath(ref)))).toBe(true);
      }
      const secretFiles = new Map([...snapshot(dir)].filter(([p]) => p.startsWith('secrets/')).map(([p]) => [p, readFileSync(join(dir, p), 'utf8')]));
      expect(await new SecretsCheck().run(cluster, { previousFiles: new Map(), allowDataLoss: false, secretFiles })).toEqual([]);
    });

    toolTest('THEN the Secrets hold the answers and generated values, and the vault the token and B2 credentials', () => {
      expect(decrypt(dir, 'secrets/observability/alertmanager-webhook.sops.yaml')).toEqual({ url: ANSWERS['alertmanager-webhook/url'] });
      expect(decrypt(dir, 'secrets/observability/home-assistant.sops.yaml')).toEqual({ token: ANSWERS['home-assistant/token'] });
      expect(parse(decrypt(dir, 'secrets/observability/ipmi-exporter.sops.yaml')['config.yml'])).toEqual({
        modules: { default: { user: 'bmc-reader-7', pass: 'bmc-password-value-42', driver: 'LAN_2_0', privilege: 'user', timeout: 10000 } },
      });
      expect(decrypt(dir, 'secrets/observability/grafana-admin.sops.yaml').password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const wgKey = decrypt(dir, 'secrets/vpn/wireguard.sops.yaml')['private-key'];
      expect(wgKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(first.stdout).toContain(`the WireGuard server's public key (for docs/wireguard-peers.md): ${wireguardPublicKey(wgKey)}`);
      const vault = spawnSync('ansible-vault', ['view', '--vault-password-file', PRIVATE_FILES.vaultPassword, PRIVATE_FILES.vault], { cwd: dir, encoding: 'utf8' });
      const vars = parse(vault.stdout);
      expect(vars.homelab_k3s_token).toBe(readFileSync(join(dir, PRIVATE_FILES.k3sToken), 'utf8').trim());
      expect(vars.homelab_restic_env).toMatch(
        new RegExp(`^AWS_ACCESS_KEY_ID=${ANSWERS['b2/keyId']}\nAWS_SECRET_ACCESS_KEY=${ANSWERS['b2/applicationKey']}\nRESTIC_PASSWORD=[A-Za-z0-9_-]{32}\n$`),
      );
      const k3os = readFileSync(join(dir, PRIVATE_FILES.k3osConfig('pi-cp')), 'utf8');
      expect(k3os).toContain(`token: ${vars.homelab_k3s_token}`);
      expect(statSync(join(dir, PRIVATE_FILES.k3sToken)).mode & 0o777).toBe(0o600);
    });

    toolTest('THEN no secret value is in git (tracked or addable) nor in what it printed', () => {
      const generated = [
        readFileSync(join(dir, PRIVATE_FILES.k3sToken), 'utf8').trim(),
        readFileSync(join(dir, PRIVATE_FILES.vaultPassword), 'utf8').trim(),
        /AGE-SECRET-KEY-\S+/.exec(readFileSync(join(dir, PRIVATE_FILES.ageKey), 'utf8'))![0],
        decrypt(dir, 'secrets/vpn/wireguard.sops.yaml')['private-key'],
        decrypt(dir, 'secrets/observability/grafana-admin.sops.yaml').password,
      ];
      const visible = spawnSync('git', ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
        .stdout.split('\0')
        .filter((f) => f !== '' && f !== 'node_modules' && existsSync(join(dir, f)));
      expect(visible.filter((f) => f.startsWith('private/'))).toEqual([]);
      // The scripted answers are written in this test file itself; everything else must not hold them.
      const THIS_TEST = 'test/programs/bootstrap.test.ts';
      const secrets = [...Object.values(ANSWERS), ...generated];
      const leaks = visible.flatMap((f) =>
        (f === THIS_TEST ? generated : secrets).filter((s) => readFileSync(join(dir, f), 'utf8').includes(s)).map(() => f),
      );
      expect(leaks).toEqual([]);
      expect(secrets.filter((s) => `${first.stdout}${first.stderr}${second.stdout}${second.stderr}`.includes(s))).toEqual([]);
      // .sops.yaml now names the user's recipient, which is public.
      const recipient = spawnSync('age-keygen', ['-y', join(dir, PRIVATE_FILES.ageKey)], { encoding: 'utf8' }).stdout.trim();
      expect(readFileSync(join(dir, '.sops.yaml'), 'utf8')).toContain(`age: ${recipient}\n`);
    });

    toolTest('WHEN it runs a second time THEN it changes nothing', () => {
      expect(second.status).toBe(0);
      expect(snapshot(dir)).toEqual(afterFirst);
      expect(second.stdout).not.toContain('created ');
      expect(second.stdout).toContain(`kept    ${PRIVATE_FILES.k3sToken}`);
    });

    toolTest('THEN it prints per node what to do, the control plane first, and how to watch', () => {
      const steps = first.stdout.slice(first.stdout.indexOf('Then, per node'));
      expect(steps).toContain('1. pi-cp (server, k3os, arm64, 192.168.10.11)');
      expect(steps).toContain('write https://github.com/petercb/k3os/releases/download/v0.33.11-k3s1-r4/k3os-rpi4-arm64.img to its card');
      expect(steps).toContain(`copy ${PRIVATE_FILES.k3osConfig('pi-worker')} to k3os/system/config.yaml`);
      expect(steps).toContain(
        `ansible-playbook -i host-provisioning/ansible/inventory.yml host-provisioning/ansible/site.yml --limit atlas -e @${PRIVATE_FILES.vault} --vault-password-file ${PRIVATE_FILES.vaultPassword}`,
      );
      expect(steps).toContain('flux get kustomizations --watch');
    });
  });

  toolTest('fails without a terminal and without answers, naming each, and writes nothing', () => {
    const dir = scratchClone();
    try {
      const before = snapshot(dir);
      const r = bootstrap(dir, []);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('error: these values are needed and there is no terminal to ask on; pass them with --answers FILE (nothing was written):');
      expect(r.stderr).toContain('  - alertmanager-webhook/url: Alertmanager webhook URL (an ntfy topic, a chat webhook)');
      expect(r.stderr).toContain('  - b2/applicationKey: Backblaze B2 application key');
      expect(snapshot(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  toolTest('fails when .sops.yaml names a recipient whose key is not in private/, and writes nothing', () => {
    const dir = scratchClone();
    try {
      const sops = join(dir, '.sops.yaml');
      writeFileSync(sops, readFileSync(sops, 'utf8').replace(/age: \S+/, 'age: age1lgrskw8hfq0f0l6m4xxq3pxqy9z9pe9ejpu5p2cyz2j0ukme9uhsg6xpx2'));
      const before = snapshot(dir);
      const r = bootstrap(dir, []);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'error: .sops.yaml encrypts to age1lgrskw8hfq0f0l6m4xxq3pxqy9z9pe9ejpu5p2cyz2j0ukme9uhsg6xpx2 but private/age.agekey is missing: ' +
          'restore that key from your backup (a new key could not decrypt the existing secrets/); nothing was written\n',
      );
      expect(snapshot(dir)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});

describe('the WireGuard public key', () => {
  const wgTest = has('wg') ? test : test.skip;
  wgTest('GIVEN a private key THEN it is the one `wg pubkey` derives', () => {
    const priv = spawnSync('wg', ['genkey'], { encoding: 'utf8' }).stdout.trim();
    expect(wireguardPublicKey(priv)).toBe(spawnSync('wg', ['pubkey'], { input: `${priv}\n`, encoding: 'utf8' }).stdout.trim());
  });
});
