import { Chart, Testing } from 'cdk8s';
import { containerSecurityContext, HomelabWorkload, RESTRICTED_CONTAINER } from '../../lib/k8s/homelab-workload';
import { Placement } from '../../lib/placement/placement';
import { testApp } from '../helpers';

/* Restricted is the default; an exception relaxes exactly its field, and the report reads the same declaration. */

describe('the restricted default', () => {
  test('GIVEN no exception THEN the container context is RESTRICTED_CONTAINER', () => {
    expect(containerSecurityContext()).toEqual(RESTRICTED_CONTAINER);
  });

  test.each([
    ['readOnlyRootFilesystem', { readOnlyRootFilesystem: false }],
    ['runAsNonRoot', { runAsNonRoot: false }],
    ['allowPrivilegeEscalation', { allowPrivilegeEscalation: true }],
    ['privileged', { privileged: true }],
    ['dropAllCapabilities', { capabilities: {} }],
  ] as const)('GIVEN only a %s exception THEN only that field is relaxed', (rule, relaxed) => {
    expect(containerSecurityContext({ [rule]: 'a reason' })).toEqual({ ...RESTRICTED_CONTAINER, ...relaxed });
  });

  test('GIVEN a workload with one exception THEN its container is relaxed there and the exception is written where the report reads it', () => {
    // GIVEN
    const chart = new Chart(testApp(), 'Test');
    // WHEN
    new HomelabWorkload(chart, 'App', {
      kind: 'Deployment',
      name: 'app',
      namespace: 'apps',
      component: 'app',
      placement: Placement.anywhere(1),
      securityExceptions: { readOnlyRootFilesystem: 'writes its cache beside the binary' },
      containers: [{ name: 'app', image: 'docker.io/example/app:1.0.0' }, { name: 'own', image: 'docker.io/example/own:1.0.0', securityContext: { runAsUser: 7 } }],
    });
    // THEN
    const [deployment] = Testing.synth(chart);
    expect(deployment.metadata.annotations).toEqual({ 'homelab.dev/security-exception.readOnlyRootFilesystem': 'writes its cache beside the binary' });
    expect(deployment.spec.template.spec.containers.map((c: { securityContext: unknown }) => c.securityContext)).toEqual([
      { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false },
      // a container that brings its own context keeps it (the security policy check judges it)
      { runAsUser: 7 },
    ]);
  });
});
