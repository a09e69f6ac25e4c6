import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../../imports/source.toolkit.fluxcd.io';
import { ANNOTATIONS } from '../analysis/annotations';
import { GitCrdSource } from '../upstream/charts';
import { FLUX_SYSTEM_NAMESPACE } from './flux-helm-release';

export interface UpstreamCrdsProps {
  /** Name of the GitRepository; the Kustomization is `<name>-crds`. */
  readonly name: string;
  readonly source: GitCrdSource;
}

/**
 * A CRD bundle from its project's repository at a pinned tag: Flux fetches only that folder
 * and applies it. The Kustomization names the API group it installs, which is how the
 * stage-dependency check knows which stage provides it.
 */
export class UpstreamCrds extends Construct {
  constructor(scope: Construct, id: string, props: UpstreamCrdsProps) {
    super(scope, id);
    const { name, source } = props;
    new GitRepository(this, 'Source', {
      metadata: { name, namespace: FLUX_SYSTEM_NAMESPACE },
      spec: {
        url: source.repositoryUrl,
        ref: { tag: source.tag },
        interval: '24h',
        ignore: `/*\n!${source.path.replace(/^\.\//, '/')}/\n`,
      },
    });
    new Kustomization(this, 'Crds', {
      metadata: { name: `${name}-crds`, namespace: FLUX_SYSTEM_NAMESPACE, annotations: { [ANNOTATIONS.installsCrds]: source.group } },
      spec: {
        path: source.path,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name },
        // CRDs hold every resource of their kind: never delete them because a file moved.
        prune: false,
        wait: true,
        interval: '24h',
        retryInterval: '1m',
        timeout: '5m',
      },
    });
  }
}
