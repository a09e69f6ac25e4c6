// jest setupFilesAfterEnv: the test files share what synth keeps between runs (.cache/, as
// main.ts does): the schema check's verdicts and the YAML conversions. Both are keyed by the
// exact input (docs/decisions/0062-...): an object that fails is validated in every test, a
// changed text is converted again; what they save is validating and converting the same
// objects once per test file (about fifty synths of the shipped cluster alone).
import { join } from 'node:path';
import { persistSchemaVerdicts } from '../lib/checks/kubernetes-schema-check';
import { CACHE_DIR } from '../lib/helm/chart-cache';
import { persistYamlMemo } from '../lib/yaml/yaml-memo';
import { PROJECT_ROOT } from '../lib/project-root';

const saveVerdicts = persistSchemaVerdicts();
const saveYamlMemo = persistYamlMemo(join(CACHE_DIR, 'yaml'), join(PROJECT_ROOT, 'node_modules', 'yaml', 'package.json'));

afterAll(() => {
  saveVerdicts();
  saveYamlMemo();
});
