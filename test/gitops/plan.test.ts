import { formatPlan, planChanges } from '../../lib/plan/plan';
import { synthesize } from '../../lib/synth';
import { defaultSpecText } from '../helpers';

async function files(text: string): Promise<Map<string, string>> {
  const { cluster } = await synthesize(text, 'cluster.yaml', { allowDataLoss: true });
  return new Map(cluster.files.entries());
}

describe('plan', () => {
  test('reports an added, a changed and a removed object, and flags the data loss loudly', async () => {
    // GIVEN the shipped outputs, and a spec that renames the game and changes Home Assistant's version
    const before = await files(defaultSpecText());
    const after = await files(defaultSpecText().replace('- name: minecraft\n', '- name: minecraft-java\n').replace('version: "2025.7.1"', 'version: "2025.7.2"'));
    // WHEN
    const changes = planChanges(before, after);
    // THEN
    const summary = changes.filter((c) => c.layer === 'dist/games' || c.layer === 'dist/home').map((c) => `${c.change} ${c.id}${c.holdsData ? ' (data)' : ''}`);
    expect(summary).toEqual([
      'added Deployment/games/minecraft-java',
      'added PersistentVolumeClaim/games/minecraft-java-world',
      'added Service/games/minecraft-java',
      'removed Deployment/games/minecraft',
      'removed PersistentVolumeClaim/games/minecraft-world (data)',
      'removed Service/games/minecraft',
      'changed Deployment/home/home-assistant',
    ]);
    expect(changes.find((c) => c.id === 'Deployment/home/home-assistant')!.fields).toEqual([
      'metadata.labels.app.kubernetes.io/version',
      'spec.template.metadata.labels.app.kubernetes.io/version',
      'spec.template.spec.containers',
      'spec.template.spec.initContainers',
    ]);
    const text = formatPlan(changes);
    expect(text.split('\n').slice(0, 3)).toEqual([
      '!! DATA LOSS: 1 object holding data would be removed:',
      '!!   PersistentVolumeClaim/games/minecraft-world (dist/games/games/persistentvolumeclaim-minecraft-world.yaml)',
      '!! npm run synth refuses this unless --allow-data-loss is given.',
    ]);
    expect(text).toContain('  - PersistentVolumeClaim/games/minecraft-world   <-- HOLDS DATA');
  });

  test('says so when nothing changes', async () => {
    const same = await files(defaultSpecText());
    expect(formatPlan(planChanges(same, same))).toBe('No changes: the outputs at HEAD equal a fresh synth.\n');
  });
});
