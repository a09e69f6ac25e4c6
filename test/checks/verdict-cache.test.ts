import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubernetesSchemaCheck } from '../../lib/checks';
import { filesFingerprint, fileVerdictCache } from '../../lib/output/verdict-cache';
import { clusterWithObject, SAMPLE_DEPLOYMENT } from '../helpers-render';

/* The schema check's verdict cache: a pass is kept for the exact object and validators, nothing else. */


const deployment = SAMPLE_DEPLOYMENT;
const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'two' } };
const brokenMessage = 'dist/test/object.yaml: Deployment/apps/web: spec.replicas: must be integer (value: "two")';

let file: string;
beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'verdicts-')), 'kubernetes-schema.json');
});
afterEach(() => rmSync(dirname(file), { recursive: true, force: true }));

describe('KubernetesSchemaCheck with a verdict cache', () => {
  test('GIVEN a valid object WHEN checked THEN its pass is recorded; WHEN it changes to an invalid one THEN it is validated again and fails', async () => {
    const check = new KubernetesSchemaCheck({ verdicts: fileVerdictCache(file, 'validators-a') });
    expect(await check.run(clusterWithObject(deployment))).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(1);

    const again = new KubernetesSchemaCheck({ verdicts: fileVerdictCache(file, 'validators-a') });
    expect((await again.run(clusterWithObject(broken))).map((f) => f.message)).toEqual([brokenMessage]);
    // a failure is never recorded
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(1);
  });

  test('GIVEN a recorded pass for an invalid object (as an older validator gave it) WHEN the validators are the same THEN the cache answers; WHEN they changed THEN the object fails', async () => {
    const poisoned = fileVerdictCache(file, 'validators-a');
    poisoned.record(poisoned.key(broken));
    poisoned.flush();

    const same = new KubernetesSchemaCheck({ verdicts: fileVerdictCache(file, 'validators-a') });
    expect(await same.run(clusterWithObject(broken))).toEqual([]);
    const changed = new KubernetesSchemaCheck({ verdicts: fileVerdictCache(file, 'validators-b') });
    expect((await changed.run(clusterWithObject(broken))).map((f) => f.message)).toEqual([brokenMessage]);
    const none = new KubernetesSchemaCheck({ verdicts: false });
    expect((await none.run(clusterWithObject(broken))).map((f) => f.message)).toEqual([brokenMessage]);
  });

  test('GIVEN a kind with no schema WHEN checked twice THEN it fails both times (no verdict is kept for it)', async () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    for (let i = 0; i < 2; i++) {
      const check = new KubernetesSchemaCheck({ verdicts: fileVerdictCache(file, 'validators-a') });
      expect((await check.run(clusterWithObject(unknown))).map((f) => f.message)).toEqual([
        'dist/test/object.yaml: Widget/w: no schema is known for example.com/v1 Widget',
      ]);
    }
  });

  test('GIVEN a damaged cache file WHEN checked THEN every object is validated and the file is rewritten', async () => {
    writeFileSync(file, '[ not json');
    const check = new KubernetesSchemaCheck({ verdicts: fileVerdictCache(file, 'validators-a') });
    expect((await check.run(clusterWithObject(broken))).map((f) => f.message)).toEqual([brokenMessage]);
    expect(await check.run(clusterWithObject(deployment))).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(1);
  });
});

describe('filesFingerprint', () => {
  test('GIVEN a folder of validators WHEN a byte of a file changes, a file is added or one goes missing THEN the fingerprint changes', () => {
    const dir = dirname(file);
    mkdirSync(join(dir, 'group'));
    writeFileSync(join(dir, 'group', 'A.js'), 'export const validate = () => true;');
    const pkg = join(dir, 'package.json');
    writeFileSync(pkg, '{"version":"5.1.0"}');
    const first = filesFingerprint([join(dir, 'group'), pkg]);
    expect(filesFingerprint([join(dir, 'group'), pkg])).toBe(first);

    writeFileSync(join(dir, 'group', 'A.js'), 'export const validate = () => false;');
    const edited = filesFingerprint([join(dir, 'group'), pkg]);
    expect(edited).not.toBe(first);

    writeFileSync(join(dir, 'group', 'B.js'), '');
    const added = filesFingerprint([join(dir, 'group'), pkg]);
    expect(added).not.toBe(edited);

    writeFileSync(pkg, '{"version":"5.1.1"}');
    expect(filesFingerprint([join(dir, 'group'), pkg])).not.toBe(added);
    expect(filesFingerprint([join(dir, 'group'), join(dir, 'gone.json')])).not.toBe(filesFingerprint([join(dir, 'group'), pkg]));
  });
});
