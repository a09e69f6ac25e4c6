import { Chart } from 'cdk8s';
import { Stage, StageRegistry } from '../../lib/stages/stage';

const chart = Chart as unknown as Stage['chart'];

describe('StageRegistry', () => {
  test('orders every stage after the stages it depends on', () => {
    // GIVEN
    const crds = new Stage({ name: 'crds', layer: 'a', purpose: 'p', chart });
    const controllers = new Stage({ name: 'controllers', layer: 'a', purpose: 'p', chart, dependsOn: [crds] });
    const apps = new Stage({ name: 'apps', layer: 'b', purpose: 'p', chart, dependsOn: [controllers, crds] });
    // WHEN
    const registry = new StageRegistry([apps, controllers, crds]);
    // THEN
    expect(registry.ordered.map((s) => s.name)).toEqual(['crds', 'controllers', 'apps']);
  });

  test('fails when a name is registered twice', () => {
    const a = new Stage({ name: 'same', layer: 'a', purpose: 'p', chart });
    const b = new Stage({ name: 'same', layer: 'a', purpose: 'p', chart });
    expect(() => new StageRegistry([a, b])).toThrow('Stage "same" is registered twice');
  });

  test('fails when a dependency is not registered', () => {
    const missing = new Stage({ name: 'missing', layer: 'a', purpose: 'p', chart });
    const user = new Stage({ name: 'user', layer: 'a', purpose: 'p', chart, dependsOn: [missing] });
    expect(() => new StageRegistry([user])).toThrow('Stage "user" depends on "missing", which is not registered');
  });

  test('fails on a dependency cycle, naming it', () => {
    const deps: Stage[] = [];
    const a = new Stage({ name: 'a', layer: 'a', purpose: 'p', chart, dependsOn: deps });
    const b = new Stage({ name: 'b', layer: 'a', purpose: 'p', chart, dependsOn: [a] });
    deps.push(b);
    expect(() => new StageRegistry([a, b])).toThrow('Stage dependency cycle: a -> b -> a');
  });

  test('fails when a stage name is not a DNS label', () => {
    expect(() => new Stage({ name: 'Net_Work', layer: 'a', purpose: 'p', chart })).toThrow(
      'Stage name "Net_Work" must be a lower-case DNS label',
    );
  });
});
