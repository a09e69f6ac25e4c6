import { HelmChart } from '../../imports/helm.cattle.io';
import { BootstrapManifest } from '../k3s/bootstrap-manifest';
import { ClusterSpec } from '../spec/schema';
import { TIGERA_OPERATOR } from './charts';
import { calicoValues } from './calico-values';

/** The namespace k3s' helm-controller keeps its HelmChart objects in. */
const K3S_HELM_NAMESPACE = 'kube-system';

/**
 * Calico for k3s' auto-deploy folder: a `helm.cattle.io/v1` HelmChart with `bootstrap: true`
 * (installed before any CNI exists, with host networking), the same chart version and
 * values as the Flux HelmRelease in `networking-controllers`, which adopts the release
 * later. The target namespace is created by the helm-controller.
 */
export function calicoBootstrapManifest(spec: ClusterSpec): BootstrapManifest {
  const chart = TIGERA_OPERATOR;
  return {
    fileName: '10-calico.yaml',
    objects: [
      HelmChart.manifest({
        metadata: { name: chart.releaseName, namespace: K3S_HELM_NAMESPACE },
        spec: {
          bootstrap: true,
          chart: chart.chart,
          repo: chart.repositoryUrl,
          version: chart.version,
          targetNamespace: chart.namespace,
          createNamespace: true,
          valuesContent: JSON.stringify(calicoValues(spec), null, 2),
        },
      }),
    ],
  };
}
