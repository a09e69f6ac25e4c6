import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILES } from '../lib/bootstrap/bootstrap-plan';
import { secretFilePath } from '../lib/secrets/secret-references';
import { REPO } from './helpers';

/*
 * The README is the user's manual: every repository path it names must exist (a `<placeholder>`
 * matches any one name), every `private/` file must be one `npm run bootstrap` writes, every
 * `secrets/` path must be the layout the secrets check uses, and every `npm run <script>` must
 * be a script in package.json.
 */
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const TRACKED = spawnSync('git', ['-C', REPO, 'ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .stdout.split('\n')
  .filter((f) => f !== '');
const TOP_LEVEL = new Set(TRACKED.map((f) => f.split('/')[0]));
const SCRIPTS = Object.keys(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts);

/** Inline code spans and the words of fenced blocks: where the README names paths and commands. */
function codeTexts(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  const inline = [...markdown.replace(/```[a-z]*\n[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  return [...inline, ...fenced];
}

function matches(pattern: string, candidates: readonly string[]): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>/]+>/g, '[^/]+')}(/.*)?$`);
  return candidates.some((c) => re.test(c));
}

/** What the README names that does not exist, one line each. */
export function readmeProblems(markdown: string): string[] {
  const problems: string[] = [];
  const privateFiles = [PRIVATE_FILES.k3sToken, PRIVATE_FILES.ageKey, PRIVATE_FILES.vaultPassword, PRIVATE_FILES.vault, PRIVATE_FILES.kubeconfig, PRIVATE_FILES.k3osConfig('<node>')];
  for (const text of codeTexts(markdown)) {
    for (const m of text.matchAll(/npm run (?:-s )?([a-z:-]+)/g)) {
      if (!SCRIPTS.includes(m[1])) problems.push(`npm run ${m[1]}: no such script in package.json`);
    }
    for (const raw of text.split(/[\s=@(),;|]+/)) {
      const word = raw.replace(/[.:]$/, '').replace(/^\$PWD\//, '');
      const top = word.split('/')[0];
      if (word.includes('…') || word.includes('*')) continue;
      if (top === 'private' && word !== 'private/' && word !== 'private') {
        if (!privateFiles.includes(word) && !privateFiles.some((f) => f.startsWith(word.replace(/\/$/, '') + '/'))) {
          problems.push(`${word}: not a file npm run bootstrap writes (${privateFiles.join(', ')})`);
        }
      } else if (top === 'secrets' && word.includes('<')) {
        if (word !== secretFilePath({ namespace: '<namespace>', name: '<name>' })) problems.push(`${word}: not the secrets layout ${secretFilePath({ namespace: '<namespace>', name: '<name>' })}`);
      } else if (TOP_LEVEL.has(top) && (word.includes('/') || existsSync(join(REPO, word)))) {
        const clean = word.replace(/\/$/, '');
        if (!existsSync(join(REPO, clean)) && !matches(clean, TRACKED)) problems.push(`${word}: no such file or folder in the repository`);
      }
    }
  }
  return [...new Set(problems)];
}

describe('README', () => {
  test('GIVEN the README THEN every path, private file and npm script it names exists', () => {
    expect(readmeProblems(README)).toEqual([]);
  });

  test('GIVEN the README THEN it names a good share of real paths (the check has something to check)', () => {
    const named = codeTexts(README).flatMap((t) => t.split(/\s+/)).filter((w) => /^(lib|docs|host-provisioning|dist|test)\//.test(w));
    expect(named.length).toBeGreaterThan(20);
  });

  test('fails on a renamed file, an unknown private file, a wrong secrets layout and a missing script', () => {
    expect(
      readmeProblems(
        'Run `npm run bootstrapp`, read `lib/net/vip-alocator.ts` and `dist/<stage>/kustomization.yaml`, keep `private/token`, write ' +
          '`secrets/<namespace>/<name>.yaml`.\n```text\ndocs/decisions/9999-nothing.md  nothing\n```\n',
      ),
    ).toEqual([
      'npm run bootstrapp: no such script in package.json',
      'lib/net/vip-alocator.ts: no such file or folder in the repository',
      'private/token: not a file npm run bootstrap writes (private/k3s-token, private/age.agekey, private/vault-password, private/vault.yml, private/kubeconfig, private/k3os/<node>.yaml)',
      'secrets/<namespace>/<name>.yaml: not the secrets layout secrets/<namespace>/<name>.sops.yaml',
      'docs/decisions/9999-nothing.md: no such file or folder in the repository',
    ]);
  });

  test('GIVEN the decision records THEN the README names each of this issue\'s', () => {
    const records = readdirSync(join(REPO, 'docs', 'decisions')).filter((f) => /^005[2-9]-/.test(f));
    expect(records.filter((r) => !README.includes(`docs/decisions/${r}`))).toEqual([]);
  });
});
