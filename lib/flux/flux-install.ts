import { BOOTSTRAP_PRIORITY_CLASS } from '../k8s/priority-classes';
import { stringifyYaml as stringify } from '../yaml/yaml-memo';
import { ANNOTATIONS } from '../analysis/annotations';
import { HelmChart } from '../../imports/helm.cattle.io';
import { BootstrapManifest } from '../k3s/bootstrap-manifest';
import { FLUX2_CHART } from '../upstream/charts';
import { FLUX_SYSTEM_NAMESPACE } from './flux-helm-release';

/** The release name of Flux, shared by k3s's HelmChart and Flux's own HelmRelease. */
export const FLUX_RELEASE = 'flux2';

/** Why the chart's RBAC is accepted as it is (the security check reads these off the release). */
export const FLUX_RELEASE_ANNOTATIONS = {
  [`${ANNOTATIONS.securityExceptionPrefix}clusterAdmin`]:
    'kustomize-controller and helm-controller apply every stage (CRDs, RBAC, namespaces): Flux\'s reconcilers run as cluster-admin by design',
  [`${ANNOTATIONS.securityExceptionPrefix}wildcardRbac`]:
    'the chart\'s crd-controller role and the flux-view/flux-edit aggregates cover every Flux kind with "*" (only Flux\'s own API groups)',
};

const SMALL = { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '512Mi' } };

/**
 * Flux's chart values: the controllers this project uses (source, kustomize, helm,
 * notification), not the image automation ones; requests sized for a Raspberry Pi.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fluxValues(): Record<string, any> {
  return {
    // The chart's policies admit scraping (8080) and webhooks from every namespace, which no flow
    // uses; flux/ carries the namespace baseline instead (deny, then the namespace's own pods).
    policies: { create: false },
    imageAutomationController: { create: false },
    imageReflectionController: { create: false },
    // installed at first boot, before it delivers the cluster's classes (lib/k8s/priority-classes.ts)
    sourceController: { resources: SMALL, priorityClassName: BOOTSTRAP_PRIORITY_CLASS },
    kustomizeController: { resources: SMALL, priorityClassName: BOOTSTRAP_PRIORITY_CLASS },
    helmController: { resources: SMALL, priorityClassName: BOOTSTRAP_PRIORITY_CLASS },
    notificationController: { resources: SMALL, priorityClassName: BOOTSTRAP_PRIORITY_CLASS },
  };
}

/**
 * Flux for the control plane's auto-deploy folder: a k3s HelmChart with the same chart
 * version and values as the HelmRelease in flux/ that takes it over, then (in a later file,
 * applied once Flux's CRDs exist) the root sync, whose objects are the ones flux/ renders.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fluxBootstrapManifests(rootSync: readonly any[]): BootstrapManifest[] {
  const install = HelmChart.manifest({
    metadata: { name: FLUX_RELEASE, namespace: 'kube-system' },
    spec: {
      repo: FLUX2_CHART.repositoryUrl,
      chart: FLUX2_CHART.chart,
      version: FLUX2_CHART.version,
      targetNamespace: FLUX_SYSTEM_NAMESPACE,
      createNamespace: true,
      valuesContent: stringify(fluxValues()),
    },
  });
  return [
    { fileName: '20-flux.yaml', objects: [install] },
    { fileName: '30-flux-sync.yaml', objects: [...rootSync] },
  ];
}
