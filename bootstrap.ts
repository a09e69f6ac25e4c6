/*
 * `npm run bootstrap`: the second impure entry point (beside main.ts). It checks the tools on
 * this machine, creates what a first boot needs and keeps it out of git — private/ (k3s
 * token, age key, Ansible vault and its password, the k3OS configs with the token), the
 * `.sops.yaml` recipient, one encrypted file per Secret the secrets check asks for — and
 * prints what to do per node. It never prints a secret value, never overwrites what exists,
 * and a second run changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import {
  Generated,
  nodeSteps,
  OPTIONAL_ANSWERS,
  PLACEHOLDER_AGE_RECIPIENT,
  prerequisites,
  Question,
  PRIVATE_DIR,
  PRIVATE_FILES,
  secretPlans,
  vaultVariables,
  watchSteps,
} from './lib/bootstrap/bootstrap-plan';
import { UserError } from './lib/errors';
import { TOKEN_PLACEHOLDER } from './lib/host/k3os-configs';
import { PROJECT_ROOT } from './lib/project-root';
import { secretFilePath, secretReferences } from './lib/secrets/secret-references';
import { synthesize } from './lib/synth';

const USAGE = `Usage: npm run bootstrap [-- --answers FILE]

  --answers FILE  YAML map of answers (e.g. "alertmanager-webhook/url: https://..."), for
                  scripted runs; without it, missing values are asked for on the terminal
  --help          show this text`;

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What the run did, one line per file or step; the only output besides the steps. */
class Log {
  public readonly lines: string[] = [];
  public add(line: string): void {
    this.lines.push(line);
  }
}

/** Runs the bootstrap in `root`. Never throws for user mistakes; returns what to print. */
export async function run(argv: readonly string[], root: string = PROJECT_ROOT): Promise<RunResult> {
  try {
    return { exitCode: 0, stdout: await runOrThrow(argv, root), stderr: '' };
  } catch (e) {
    if (e instanceof UserError) {
      return { exitCode: 1, stdout: '', stderr: `error: ${e.message}\n` };
    }
    throw e;
  }
}

async function runOrThrow(argv: readonly string[], root: string): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { answers: { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (e) {
    throw new UserError(`${(e as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    return `${USAGE}\n`;
  }
  const answers = readAnswers(values.answers);
  const log = new Log();
  const p = (rel: string): string => join(root, rel);

  const specText = readFileSync(p('cluster.yaml'), 'utf8');
  const { cluster } = await synthesize(specText, 'cluster.yaml', {
    previousFiles: readTree(root, 'dist', 'flux', 'host-provisioning'),
    secretFiles: readTree(root, 'secrets'),
  });
  const spec = cluster.spec;

  // 1. Tools: stop before anything is written if one this run needs is missing.
  const tools = prerequisites(spec).map((t) => ({ ...t, found: hasCommand(t.command) }));
  const missingNow = tools.filter((t) => t.neededNow && !t.found);
  if (missingNow.length > 0) {
    throw new UserError(
      'bootstrap needs these tools; nothing was written:',
      missingNow.map((t) => `${t.command} (${t.purpose}): install with ${t.install}`),
    );
  }
  ensureIgnored(root, PRIVATE_DIR);

  // 2. The age key and the .sops.yaml recipient must agree before anything is written.
  const sopsConfig = readFileSync(p('.sops.yaml'), 'utf8');
  const recipientLine = /^([ \t]*age:[ \t]*)(\S+)[ \t]*$/m.exec(sopsConfig);
  if (!recipientLine) {
    throw new UserError('.sops.yaml: no "age:" recipient line in its creation rule; restore it from git');
  }
  const placeholder = PLACEHOLDER_AGE_RECIPIENT.test(recipientLine[2]);
  if (!existsSync(p(PRIVATE_FILES.ageKey)) && !placeholder) {
    throw new UserError(
      `.sops.yaml encrypts to ${recipientLine[2]} but ${PRIVATE_FILES.ageKey} is missing: restore that key from your backup ` +
        '(a new key could not decrypt the existing secrets/); nothing was written',
    );
  }

  if (existsSync(p(PRIVATE_FILES.vault)) && !existsSync(p(PRIVATE_FILES.vaultPassword))) {
    throw new UserError(`${PRIVATE_FILES.vault} exists but ${PRIVATE_FILES.vaultPassword} is missing: restore it from your backup; nothing was written`);
  }

  // 3. Every value this run will need, asked for up front: nothing is written if one is missing.
  const plans = secretPlans(spec, secretReferences(cluster.objects)).filter((s) => !existsSync(p(secretFilePath(s.ref))));
  const vaultVars = existsSync(p(PRIVATE_FILES.vault)) ? [] : vaultVariables(spec);
  const needed = new Map<string, Question>();
  for (const source of [...plans.flatMap((s) => s.keys.flatMap((k) => Object.values(k.parts))), ...vaultVars.flatMap((v) => Object.values(v.parts))]) {
    if ('answer' in source) needed.set(source.answer, source);
  }
  const given = await collectAnswers([...needed.values()], answers);

  // 4. The k3s token.
  if (!existsSync(p(PRIVATE_FILES.k3sToken))) {
    writePrivate(p(PRIVATE_FILES.k3sToken), `${randomBytes(32).toString('hex')}\n`);
    log.add(`created ${PRIVATE_FILES.k3sToken} (new cluster token; if a cluster already runs, put its token here instead)`);
  } else {
    log.add(`kept    ${PRIVATE_FILES.k3sToken}`);
  }
  const token = readFileSync(p(PRIVATE_FILES.k3sToken), 'utf8').trim();

  // 5. The age key and the .sops.yaml recipient.
  if (!existsSync(p(PRIVATE_FILES.ageKey))) {
    mkdirSync(p(PRIVATE_DIR), { recursive: true, mode: 0o700 });
    runTool('age-keygen', ['-o', p(PRIVATE_FILES.ageKey)], root);
    chmodSync(p(PRIVATE_FILES.ageKey), 0o600);
    log.add(`created ${PRIVATE_FILES.ageKey}`);
  } else {
    log.add(`kept    ${PRIVATE_FILES.ageKey}`);
  }
  const recipient = runTool('age-keygen', ['-y', p(PRIVATE_FILES.ageKey)], root).trim();
  if (placeholder) {
    writeAtomic(p('.sops.yaml'), sopsConfig.replace(recipientLine[0], `${recipientLine[1]}${recipient}`));
    log.add(`set     .sops.yaml recipient to ${recipient} (public; commit it)`);
  } else if (recipientLine[2] !== recipient) {
    throw new UserError(`.sops.yaml encrypts to ${recipientLine[2]}, but ${PRIVATE_FILES.ageKey} is the key of ${recipient}: restore the matching key`);
  }

  // 6. One encrypted file per Secret the workloads reference.
  for (const plan of plans) {
    const data: Record<string, string> = {};
    for (const k of plan.keys) {
      const parts = Object.fromEntries(
        Object.entries(k.parts).map(([part, source]) => [part, 'generate' in source ? generate(source.generate) : given.get(source.answer)!]),
      );
      data[k.key] = k.render(parts);
    }
    const manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: plan.ref.name, namespace: plan.ref.namespace }, type: 'Opaque', stringData: data };
    const path = secretFilePath(plan.ref);
    const encrypted = runTool(
      'sops',
      ['encrypt', '--filename-override', path],
      root,
      stringify(manifest),
    );
    mkdirSync(dirname(p(path)), { recursive: true });
    writeAtomic(p(path), encrypted);
    log.add(`created ${path} (encrypted: ${plan.keys.map((k) => k.key).join(', ')}; commit it)`);
    const wgKey = plan.keys.find((k) => Object.values(k.parts).some((s) => 'generate' in s && s.generate === 'wireguard-private-key'));
    if (wgKey) {
      log.add(`        the WireGuard server's public key (for docs/wireguard-peers.md): ${wireguardPublicKey(data[wgKey.key])}`);
    }
  }
  const created = new Set(plans.map((s) => secretFilePath(s.ref)));
  for (const ref of secretReferences(cluster.objects).filter((r) => !created.has(secretFilePath(r)))) {
    log.add(`kept    ${secretFilePath(ref)}`);
  }

  // 7. The Ansible vault (only for clusters with Debian nodes).
  if (spec.nodes.some((n) => n.os === 'debian')) {
    if (!existsSync(p(PRIVATE_FILES.vaultPassword))) {
      writePrivate(p(PRIVATE_FILES.vaultPassword), `${randomBytes(24).toString('base64url')}\n`);
      log.add(`created ${PRIVATE_FILES.vaultPassword}`);
    }
    if (vaultVars.length > 0) {
      const vault: Record<string, string> = {};
      for (const v of vaultVars) {
        const parts = Object.fromEntries(
          Object.entries(v.parts).map(([part, source]) => [
            part,
            'file' in source ? token : 'generate' in source ? generate(source.generate) : given.get(source.answer)!,
          ]),
        );
        vault[v.name] = v.render(parts);
      }
      const encrypted = runTool(
        'ansible-vault',
        ['encrypt', '--vault-password-file', p(PRIVATE_FILES.vaultPassword), '--output', '-', '-'],
        root,
        stringify(vault),
      );
      writePrivate(p(PRIVATE_FILES.vault), encrypted);
      log.add(`created ${PRIVATE_FILES.vault} (ansible-vault: ${vaultVars.map((v) => v.name).join(', ')})`);
    } else {
      const view = runTool('ansible-vault', ['view', '--vault-password-file', p(PRIVATE_FILES.vaultPassword), p(PRIVATE_FILES.vault)], root);
      const present = Object.keys((parse(view) as Record<string, unknown> | null) ?? {});
      const lacking = vaultVariables(spec).filter((v) => !present.includes(v.name)).map((v) => v.name);
      if (lacking.length > 0) {
        throw new UserError(
          `${PRIVATE_FILES.vault} lacks ${lacking.join(', ')}, which the playbook reads; add ${lacking.length === 1 ? 'it' : 'them'} with: ` +
            `ansible-vault edit --vault-password-file ${PRIVATE_FILES.vaultPassword} ${PRIVATE_FILES.vault}`,
        );
      }
      log.add(`kept    ${PRIVATE_FILES.vault}`);
    }
  }

  // 8. The k3OS configs with the token, for the cards.
  for (const node of spec.nodes.filter((n) => n.os === 'k3os')) {
    const generated = cluster.files.get(`host-provisioning/k3os/${node.name}.yaml`);
    if (generated === undefined) {
      throw new Error(`no k3OS config rendered for ${node.name}`);
    }
    const filled = generated.split(TOKEN_PLACEHOLDER).join(token);
    const path = PRIVATE_FILES.k3osConfig(node.name);
    if (existsSync(p(path)) && readFileSync(p(path), 'utf8') === filled) {
      log.add(`kept    ${path}`);
    } else {
      mkdirSync(dirname(p(path)), { recursive: true, mode: 0o700 });
      writePrivate(p(path), filled);
      log.add(`wrote   ${path} (from host-provisioning/k3os/${node.name}.yaml, with the token)`);
    }
  }

  const toolLines = tools.map((t) => `  ${t.found ? 'ok     ' : 'missing'} ${t.command.padEnd(16)} ${t.purpose}${t.found ? '' : ` — ${t.install}`}`);
  return [
    `Bootstrap of "${spec.name}" in ${relative(process.cwd(), root) || '.'}`,
    '',
    'Tools:',
    ...toolLines,
    '',
    'Files (private/ is gitignored; back it up offline, it is what a rebuild needs):',
    ...log.lines.map((l) => `  ${l}`),
    '',
    'Then, per node, the control plane first:',
    ...nodeSteps(spec).map((l) => `  ${l}`),
    '',
    'Watch it come up:',
    ...watchSteps(spec).map((l) => `  - ${l}`),
    '',
  ].join('\n');
}

function readAnswers(path: string | undefined): Map<string, string> {
  if (path === undefined) {
    return new Map();
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(resolve(path), 'utf8'));
  } catch (e) {
    throw new UserError(`--answers ${path}: cannot read it as YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || Object.values(doc).some((v) => typeof v !== 'string')) {
    throw new UserError(`--answers ${path}: must be a map of answer names to strings, e.g. "alertmanager-webhook/url: https://ntfy.sh/x"`);
  }
  return new Map(Object.entries(doc as Record<string, string>));
}

/** Answers from the file, else from the terminal (hidden where secret); a missing one is an error. */
async function collectAnswers(needed: (Question)[], answers: Map<string, string>): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const missing: typeof needed = [];
  for (const n of needed) {
    const a = answers.get(n.answer);
    if (a !== undefined && a !== '') result.set(n.answer, a);
    else if (n.answer in OPTIONAL_ANSWERS) result.set(n.answer, generate(OPTIONAL_ANSWERS[n.answer]));
    else missing.push(n);
  }
  if (missing.length === 0) {
    return result;
  }
  if (!process.stdin.isTTY) {
    throw new UserError(
      'these values are needed and there is no terminal to ask on; pass them with --answers FILE (nothing was written):',
      missing.map((m) => `${m.answer}: ${m.question}`),
    );
  }
  for (const m of missing) {
    let value = '';
    while (value === '') {
      value = await prompt(`${m.question}: `, m.hidden);
    }
    result.set(m.answer, value);
  }
  return result;
}

/** Reads one line from the terminal; hidden input is not echoed. */
function prompt(question: string, hidden: boolean): Promise<string> {
  return new Promise((done) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => write(hidden && s !== question ? '' : s);
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      done(answer.trim());
    });
  });
}

function generate(kind: Generated): string {
  if (kind === 'password') {
    return randomBytes(24).toString('base64url');
  }
  const { privateKey } = generateKeyPairSync('x25519');
  return Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('base64');
}

/** PKCS #8 wrapping of a raw X25519 private key (RFC 8410). */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The public half of a WireGuard (X25519) private key, as `wg pubkey` prints it. */
export function wireguardPublicKey(privateKeyBase64: string): string {
  const der = Buffer.concat([X25519_PKCS8_PREFIX, Buffer.from(privateKeyBase64, 'base64')]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  return Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a tool; its output is returned, never printed (it may hold a secret). */
function runTool(command: string, args: string[], cwd: string, input?: string): string {
  const r = spawnSync(command, args, { cwd, input, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new UserError(`${command} ${args[0]} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`);
  }
  return r.stdout;
}

/** private/ must be ignored by git before anything is written into it. */
function ensureIgnored(root: string, dir: string): void {
  const probe = spawnSync('git', ['-C', root, 'check-ignore', '-q', `${dir}/k3s-token`]);
  if (probe.status !== 0) {
    throw new UserError(`${dir}/ is not ignored by git in ${root} (is this a clone of the repository, with its .gitignore?); nothing was written`);
  }
}

function writeAtomic(path: string, content: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

function writePrivate(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeAtomic(path, content, 0o600);
}

function readTree(root: string, ...dirs: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(root, full).split('\\').join('/'), readFileSync(full, 'utf8'));
    }
  };
  for (const dir of dirs.map((d) => join(root, d))) {
    if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  }
  return files;
}
