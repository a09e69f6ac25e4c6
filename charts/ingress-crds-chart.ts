import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../imports/source.toolkit.fluxcd.io';
import { FLUX_SYSTEM_NAMESPACE } from '../lib/flux/flux-helm-release';
import { StageChartProps } from '../lib/stages/stage';
import { GATEWAY_API } from '../lib/upstream/charts';

/**
 * The Gateway API CRDs (standard channel) from the project's own published manifests at a
 * pinned tag: Flux fetches only that folder and applies it.
 */
export class IngressCrdsChart extends Chart {
  constructor(scope: Construct, id: string, _props: StageChartProps) {
    super(scope, id);
    new GitRepository(this, 'GatewayApiSource', {
      metadata: { name: 'gateway-api', namespace: FLUX_SYSTEM_NAMESPACE },
      spec: {
        url: GATEWAY_API.repositoryUrl,
        ref: { tag: GATEWAY_API.tag },
        interval: '24h',
        ignore: `/*\n!${GATEWAY_API.path.replace(/^\.\//, '/')}/\n`,
      },
    });
    new Kustomization(this, 'GatewayApiCrds', {
      metadata: { name: 'gateway-api-crds', namespace: FLUX_SYSTEM_NAMESPACE },
      spec: {
        path: GATEWAY_API.path,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'gateway-api' },
        // CRDs hold every route of the cluster: never delete them because a file moved.
        prune: false,
        wait: true,
        interval: '24h',
        retryInterval: '1m',
        timeout: '5m',
      },
    });
  }
}
