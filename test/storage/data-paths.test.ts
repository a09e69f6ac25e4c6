import { dataPaths } from '../../lib/storage/data-paths';
import { defaultSpecText, fixtures } from '../helpers';
import { renderSpec } from '../helpers-render';

/*
 * Disaster recovery rests on this: after the control plane is rebuilt, every claim Flux
 * re-creates finds its old data, because its path on the storage node is made only of names
 * from cluster.yaml, never of IDs generated in the cluster (the PV's pvc-<uid>).
 */
describe('data paths', () => {
  test('GIVEN the shipped cluster THEN every claim has a path made of pool, dataset, namespace and claim name', () => {
    const { paths, problems } = dataPaths(renderSpec(defaultSpecText()).objects);
    expect(problems).toEqual([]);
    expect(paths).toEqual([
      { claim: 'games/minecraft-world', path: '/tank/games/games/minecraft-world' },
      { claim: 'home/home-assistant-config', path: '/tank/apps/home/home-assistant-config' },
      { claim: 'observability/loki-data', path: '/tank/monitoring/loki' },
      { claim: 'observability/prometheus-data', path: '/tank/monitoring/prometheus' },
    ]);
  });

  test.each(fixtures('valid'))('GIVEN %s THEN every claim resolves to a path of names', (_name, text) => {
    const { problems } = dataPaths(renderSpec(text).objects);
    expect(problems).toEqual([]);
  });

  test('GIVEN another cluster name and other VIPs THEN the same claims keep the same paths', () => {
    const text = defaultSpecText()
      .replace('name: atlas-home', 'name: rebuilt-home')
      .replace('loadBalancerPool: 192.168.10.200-192.168.10.239', 'loadBalancerPool: 192.168.10.210-192.168.10.249');
    expect(dataPaths(renderSpec(text).objects)).toEqual(dataPaths(renderSpec(defaultSpecText()).objects));
  });

  test('fails when a StorageClass puts data under the generated volume name', () => {
    const objects = renderSpec(defaultSpecText()).objects.map((o) =>
      o.manifest.kind === 'StorageClass' && o.manifest.metadata.name === 'nfs-games'
        ? { ...o, manifest: { ...o.manifest, parameters: { ...o.manifest.parameters, subDir: '${pv.metadata.name}' } } }
        : o,
    );
    expect(dataPaths(objects).problems).toEqual([
      'StorageClass/nfs-games: subDir "${pv.metadata.name}" makes the data path of games/minecraft-world depend on ${pv.metadata.name}; ' +
        'use only ${pvc.metadata.namespace} and ${pvc.metadata.name}',
    ]);
  });
});
