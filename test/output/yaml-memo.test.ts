import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  FileYamlMemoStore,
  isJsonExact,
  parseYaml,
  parseYamlDocuments,
  persistYamlMemo,
  rememberYamlData,
  stringifyYaml,
  useYamlMemoStore,
  YamlMemoStore,
} from '../../lib/yaml/yaml-memo';

/* The YAML memo (lib/yaml/yaml-memo.ts): the same answers as the yaml library, remembered by exact input. */

/** A store that records what is asked of it, so a test sees what was remembered. */
class RecordingStore implements YamlMemoStore {
  public readonly entries = new Map<string, string>();
  public get(key: string): string | undefined {
    return this.entries.get(key);
  }
  public set(key: string, value: string): void {
    this.entries.set(key, value);
  }
}

let store: RecordingStore;
let previous: YamlMemoStore;
beforeEach(() => {
  store = new RecordingStore();
  previous = useYamlMemoStore(store);
});
afterEach(() => {
  useYamlMemoStore(previous);
});

const manifest = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'x' } },
  data: { 'config.yaml': 'a: 1\nb: [2, 3]\n', port: '8080', empty: '', yes: 'yes' },
};

describe('stringifyYaml', () => {
  test('GIVEN an object WHEN stringified twice THEN both are the yaml library text, the second from the memo', () => {
    const first = stringifyYaml(manifest, { lineWidth: 0 });
    expect(first).toBe(stringify(manifest, { lineWidth: 0 }));
    expect(store.entries.size).toBe(1);
    expect(stringifyYaml(manifest, { lineWidth: 0 })).toBe(first);
    expect(store.entries.size).toBe(1);
  });

  test('GIVEN a remembered object WHEN one value changes THEN the new text is computed, not the remembered one', () => {
    stringifyYaml(manifest);
    const changed = { ...manifest, data: { ...manifest.data, port: '9090' } };
    expect(stringifyYaml(changed)).toBe(stringify(changed));
    expect(stringifyYaml(changed)).toContain("port: \"9090\"");
    expect(store.entries.size).toBe(2);
  });

  test('GIVEN other options WHEN stringified THEN they are part of the key', () => {
    const long = { text: 'word '.repeat(30).trim() };
    expect(stringifyYaml(long, { lineWidth: 0 })).toBe(stringify(long, { lineWidth: 0 }));
    expect(stringifyYaml(long)).toBe(stringify(long));
    expect(stringify(long)).not.toBe(stringify(long, { lineWidth: 0 }));
    expect(store.entries.size).toBe(2);
  });

  test('GIVEN a value JSON cannot hold exactly WHEN stringified THEN it is computed and not remembered', () => {
    const odd = { when: new Date(0), missing: undefined, big: Infinity };
    expect(stringifyYaml(odd)).toBe(stringify(odd));
    expect(store.entries.size).toBe(0);
  });

  test('GIVEN a poisoned memo entry WHEN the same input is asked THEN the memo answers (it is used), other inputs are not affected', () => {
    stringifyYaml({ a: 1 });
    const [key] = store.entries.keys();
    store.entries.set(key, 'poisoned: true\n');
    expect(stringifyYaml({ a: 1 })).toBe('poisoned: true\n');
    expect(stringifyYaml({ a: 2 })).toBe('a: 2\n');
  });
});

describe('parseYaml and parseYamlDocuments', () => {
  const text = 'a: 1\nb:\n  - x\n  - "2"\nc: null\n';

  test('GIVEN YAML text WHEN parsed twice THEN both equal the yaml library result, as separate copies', () => {
    const first = parseYaml(text);
    expect(first).toEqual(parse(text));
    const second = parseYaml(text);
    expect(second).toEqual(first);
    first.b.push('mutated');
    expect(parseYaml(text)).toEqual(parse(text));
    expect(store.entries.size).toBe(1);
  });

  test('GIVEN a multi-document text WHEN parsed THEN every document is returned, as parseAllDocuments gives them', () => {
    const docs = '# header\napiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n';
    expect(parseYamlDocuments(docs)).toEqual(parseAllDocuments(docs).map((d) => d.toJS()));
    expect(parseYamlDocuments(docs)).toEqual([{ apiVersion: 'v1', kind: 'A' }, { apiVersion: 'v1', kind: 'B' }]);
  });

  test('GIVEN values JSON cannot hold (.inf) WHEN parsed THEN the result is exact and nothing is remembered', () => {
    expect(parseYaml('x: .inf\n')).toEqual({ x: Infinity });
    expect(parseYaml('x: .inf\n')).toEqual({ x: Infinity });
    expect(store.entries.size).toBe(0);
  });

  test('GIVEN invalid YAML WHEN parsed THEN it throws like yaml.parse, every time, and nothing is remembered', () => {
    expect(() => parseYaml('a: [1, 2\n')).toThrow();
    expect(() => parseYaml('a: [1, 2\n')).toThrow();
    expect(parseYamlDocuments('a: [1, 2\n')).toEqual(parseAllDocuments('a: [1, 2\n').map((d) => d.toJS()));
    expect(store.entries.size).toBe(0);
  });

  test('GIVEN rememberYamlData WHEN compute throws THEN the error reaches the caller and the next call computes again', () => {
    let calls = 0;
    const compute = (): unknown => {
      calls++;
      throw new Error('duplicate key');
    };
    expect(() => rememberYamlData('spec', 'a: 1\na: 2\n', compute)).toThrow('duplicate key');
    expect(() => rememberYamlData('spec', 'a: 1\na: 2\n', compute)).toThrow('duplicate key');
    expect(calls).toBe(2);
  });
});

describe('isJsonExact', () => {
  test.each([
    [{ a: [1, 'x', true, null, { b: 2.5 }] }, true],
    [{ a: undefined }, false],
    // eslint-disable-next-line no-sparse-arrays -- a hole in an array is the case under test
    [[1, , 3], false],
    [{ a: NaN }, false],
    [{ a: -0 }, false],
    [{ a: new Map() }, false],
    [Object.create(null), true],
  ])('%p -> %p', (value, exact) => {
    expect(isJsonExact(value)).toBe(exact);
  });
});

describe('FileYamlMemoStore', () => {
  const dirs: string[] = [];
  const scratch = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-memo-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('GIVEN a saved store WHEN a new process reads the folder THEN it answers from the file, under the same yaml version only', () => {
    const dir = scratch();
    const writer = new FileYamlMemoStore(dir, '2.9.1');
    useYamlMemoStore(writer);
    stringifyYaml(manifest);
    writer.save();
    expect(readdirSync(dir)).toEqual(['yaml-2.9.1.json']);

    const reader = new FileYamlMemoStore(dir, '2.9.1');
    const recorded = (JSON.parse(readFileSync(join(dir, 'yaml-2.9.1.json'), 'utf8')) as [string, string][])[0];
    expect(reader.get(recorded[0])).toBe(stringify(manifest));
    expect(new FileYamlMemoStore(dir, '2.9.2').get(recorded[0])).toBeUndefined();
  });

  test('GIVEN a damaged file WHEN read THEN the store is empty and a save replaces it', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'yaml-1.0.0.json'), '{ not json');
    const damaged = new FileYamlMemoStore(dir, '1.0.0');
    expect(damaged.get('anything')).toBeUndefined();
    damaged.set('k', 'v');
    damaged.save();
    expect(JSON.parse(readFileSync(join(dir, 'yaml-1.0.0.json'), 'utf8'))).toEqual([['k', 'v']]);
  });

  test('GIVEN persistYamlMemo WHEN the yaml package.json is missing THEN results stay in the process and nothing is written', () => {
    const dir = scratch();
    const save = persistYamlMemo(dir, join(dir, 'no-such-package.json'));
    stringifyYaml({ a: 1 });
    save();
    expect(readdirSync(dir)).toEqual([]);
    expect(store.entries.size).toBe(1);
  });
});
