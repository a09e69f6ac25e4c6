import { JsonPatch } from 'cdk8s';
import * as k8s from 'cdk8s-plus-33/lib/imports/k8s';
import { PRIORITY_TIERS } from '../lib/k8s/priority-classes';
import { Chart } from 'cdk8s';
import { NamespaceNetworkPolicies } from '../lib/k8s/namespace-network-policies';
import { Construct } from 'constructs';
import {
  Kustomization,
  KustomizationSpecDecryptionProvider,
  KustomizationSpecSourceRefKind,
} from '../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../imports/source.toolkit.fluxcd.io';
import { FluxHelmRelease } from '../lib/flux/flux-helm-release';
import { FLUX_RELEASE, FLUX_RELEASE_ANNOTATIONS, fluxValues } from '../lib/flux/flux-install';
import { FLUX_NAMESPACE, rootSyncProps, SOPS_KEY_SECRET, SOURCE_NAME } from '../lib/flux/root-sync';
import { ClusterSpec } from '../lib/spec/schema';
import { FLUX2_CHART } from '../lib/upstream/charts';
import { Stage } from '../lib/stages/stage';

export interface FluxChartProps {
  readonly spec: ClusterSpec;
  /** The stages to deliver, in dependency order. */
  readonly stages: readonly Stage[];
  /**
   * Reconcile interval of every stage.
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * Retry interval after a failed reconcile.
   * @default '1m'
   */
  readonly retryInterval?: string;
  /**
   * How long a stage may take to become ready.
   * @default '5m'
   */
  readonly timeout?: string;
}

/**
 * Flux delivery of the stages: one GitRepository for this repository and one
 * Kustomization per stage with `dependsOn` taken from the stage graph.
 */
export class FluxChart extends Chart {
  constructor(scope: Construct, id: string, props: FluxChartProps) {
    super(scope, id, { namespace: FLUX_NAMESPACE });
    const interval = props.interval ?? '10m';
    const retryInterval = props.retryInterval ?? '1m';
    const timeout = props.timeout ?? '5m';
    const sourceRef = { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: SOURCE_NAME };

    const root = rootSyncProps(props.spec);
    new GitRepository(this, 'Source', root.source);

    // Flux manages its own release, the one k3s installed at bootstrap (same chart and values).
    new FluxHelmRelease(this, 'Flux', {
      chart: FLUX2_CHART,
      name: FLUX_RELEASE,
      namespace: FLUX_NAMESPACE,
      values: fluxValues(),
      annotations: FLUX_RELEASE_ANNOTATIONS,
    });

    new Kustomization(this, 'Root', root.kustomization);

    // The cluster's PriorityClasses (lib/k8s/priority-classes.ts), applied by the root sync
    // with the stages' Kustomizations, so they exist before any stage's pods.
    for (const tier of Object.values(PRIORITY_TIERS)) {
      const cls = new k8s.KubePriorityClass(this, `Priority-${tier.name}`, {
        metadata: { name: tier.name },
        value: tier.value,
        globalDefault: false,
        preemptionPolicy: tier.preemptionPolicy,
        description: tier.description,
      });
      cls.addJsonPatch(JsonPatch.remove('/metadata/namespace')); // cluster-scoped
    }
    new NamespaceNetworkPolicies(this, 'NetworkPolicies', { namespace: FLUX_NAMESPACE });

    // The SOPS-encrypted Secrets, decrypted by Flux with the age key in the Secret sops-age.
    // Secrets of a namespace that does not exist yet are retried until its stage creates it.
    new Kustomization(this, 'Secrets', {
      metadata: { name: 'secrets', annotations: { 'homelab.dev/purpose': 'SOPS-encrypted Secrets from secrets/' } },
      spec: {
        path: './secrets',
        sourceRef,
        prune: true,
        wait: false,
        interval,
        retryInterval,
        timeout,
        decryption: { provider: KustomizationSpecDecryptionProvider.SOPS, secretRef: { name: SOPS_KEY_SECRET } },
      },
    });

    for (const stage of props.stages) {
      new Kustomization(this, `Stage-${stage.name}`, {
        metadata: { name: stage.name, annotations: { 'homelab.dev/purpose': stage.purpose } },
        spec: {
          path: `./dist/${stage.name}`,
          sourceRef,
          dependsOn: stage.dependsOn.length > 0 ? stage.dependsOn.map((d) => ({ name: d.name })) : undefined,
          prune: true,
          wait: true,
          interval,
          retryInterval,
          timeout,
        },
      });
    }
  }
}
