import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io';

/** The Gateway API release whose standard-channel CRDs the typed imports come from. */
export const GATEWAY_API_VERSION = 'v1.6.1';
const REPOSITORY = 'https://github.com/kubernetes-sigs/gateway-api';
const FLUX_NAMESPACE = 'flux-system';

/**
 * The Gateway API standard-channel CRDs from their published release: a Flux GitRepository
 * at the pinned tag and a Kustomization applying `config/crd/standard`. Flux waits for
 * them, so the stage that uses Gateway/HTTPRoute can depend on this one.
 */
export class GatewayApiCrds extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new GitRepository(this, 'Source', {
      metadata: { name: 'gateway-api', namespace: FLUX_NAMESPACE },
      spec: { url: REPOSITORY, ref: { tag: GATEWAY_API_VERSION }, interval: '24h', ignore: '/*\n!/config/crd/standard/\n' },
    });
    new Kustomization(this, 'Crds', {
      metadata: { name: 'gateway-api-crds', namespace: FLUX_NAMESPACE },
      spec: {
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'gateway-api' },
        path: './config/crd/standard',
        prune: false,
        wait: true,
        interval: '1h',
      },
    });
  }
}
