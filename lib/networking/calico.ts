import { BOOTSTRAP_PRIORITY_CLASS } from '../k8s/priority-classes';
import { stringifyYaml as stringify } from '../yaml/yaml-memo';
import { HelmChart } from '../../imports/helm.cattle.io';
import {
  InstallationSpec,
  InstallationSpecCalicoNetworkBgp,
  InstallationSpecCalicoNetworkContainerIpForwarding,
  InstallationSpecCalicoNetworkIpPoolsEncapsulation,
  InstallationSpecCalicoNetworkIpPoolsNatOutgoing,
  InstallationSpecCalicoNetworkNodeAddressAutodetectionV4Kubernetes,
  InstallationSpecCniType,
  toJson_InstallationSpec,
} from '../../imports/operator.tigera.io';
import { BootstrapManifest } from '../k3s/bootstrap-manifest';
import { K3S_CNI_BIN_DIR, K3S_CNI_CONF_DIR } from '../k3s/k3s-requirements';
import { ClusterSpec } from '../spec/schema';
import { CALICO_CRDS_CHART, TIGERA_OPERATOR_CHART } from '../upstream/charts';

/** The namespace and release name of the operator, shared by k3s's HelmChart and Flux's HelmRelease. */
import { TIGERA_NAMESPACE } from '../conventions/namespaces';
export const TIGERA_RELEASE = 'tigera-operator';

/**
 * Calico's CRDs: the companion chart at the operator's tag (v3.32.0's operator chart ships
 * none), one release named the same by k3s at bootstrap and by Flux after. kube-system exists
 * before any stage, so the release needs no namespace of ours.
 */
export const CALICO_CRDS_RELEASE = 'calico-crds';
export const CALICO_CRDS_NAMESPACE = 'kube-system';

/**
 * The HelmRelease must never be pruned: uninstalling it deletes the CRDs and, with them, every
 * Calico resource (IP pools, the Installation) of a running cluster.
 */
export const CALICO_CRDS_RELEASE_ANNOTATIONS = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

/**
 * The k3s auto-deploy HelmChart of Calico's CRDs, in a file before the operator's
 * (`bootstrap: true`: its install Job runs on the host network, before any CNI exists).
 */
export function calicoCrdsBootstrapManifest(): BootstrapManifest {
  const chart = HelmChart.manifest({
    metadata: { name: CALICO_CRDS_RELEASE, namespace: 'kube-system' },
    spec: {
      bootstrap: true,
      repo: CALICO_CRDS_CHART.repositoryUrl,
      chart: CALICO_CRDS_CHART.chart,
      version: CALICO_CRDS_CHART.version,
      targetNamespace: CALICO_CRDS_NAMESPACE,
    },
  });
  return { fileName: '05-calico-crds.yaml', objects: [chart] };
}

/**
 * Calico for one L2 segment: VXLAN only across subnets (so none between the nodes on the
 * LAN), no BGP, the spec's pod CIDR, node addresses from the Kubernetes InternalIP, and
 * k3s's CNI folders.
 */
export function calicoInstallation(spec: ClusterSpec): InstallationSpec {
  return {
    cni: { type: InstallationSpecCniType.CALICO, binDir: K3S_CNI_BIN_DIR, confDir: K3S_CNI_CONF_DIR },
    calicoNetwork: {
      bgp: InstallationSpecCalicoNetworkBgp.DISABLED,
      containerIpForwarding: InstallationSpecCalicoNetworkContainerIpForwarding.ENABLED,
      nodeAddressAutodetectionV4: { kubernetes: InstallationSpecCalicoNetworkNodeAddressAutodetectionV4Kubernetes.NODE_INTERNAL_IP },
      ipPools: [
        {
          name: 'default-ipv4-ippool',
          cidr: spec.network.podCidr,
          encapsulation: InstallationSpecCalicoNetworkIpPoolsEncapsulation.VXLAN_CROSS_SUBNET,
          natOutgoing: InstallationSpecCalicoNetworkIpPoolsNatOutgoing.ENABLED,
          blockSize: 26,
          nodeSelector: 'all()',
        },
      ],
    },
  };
}

/**
 * The tigera-operator chart values: the Installation above, and the optional parts
 * (API server, Goldmane, Whisker) off. One object for both the bootstrap HelmChart and the
 * Flux HelmRelease, so the two never disagree.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function calicoValues(spec: ClusterSpec): Record<string, any> {
  return {
    installation: { enabled: true, ...toJson_InstallationSpec(calicoInstallation(spec)) },
    apiServer: { enabled: false },
    goldmane: { enabled: false },
    whisker: { enabled: false },
    // installed at first boot, before Flux delivers the cluster's classes (lib/k8s/priority-classes.ts)
    priorityClassName: BOOTSTRAP_PRIORITY_CLASS,
    resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '256Mi' } },
    // The chart tolerates every taint, the control plane's included. The operator is a
    // controller: it runs on a worker, and only needs to start on a node that is not Ready
    // yet (no node is before Calico runs) and on the host network (the chart's default).
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
  };
}

/**
 * The k3s auto-deploy HelmChart that brings Calico up before any pod network or Flux exists
 * (`bootstrap: true` runs the install job on the host network). Flux's HelmRelease of the
 * same name then takes the release over.
 */
export function calicoBootstrapManifest(spec: ClusterSpec): BootstrapManifest {
  const chart = HelmChart.manifest({
    metadata: { name: TIGERA_RELEASE, namespace: 'kube-system' },
    spec: {
      bootstrap: true,
      repo: TIGERA_OPERATOR_CHART.repositoryUrl,
      chart: TIGERA_OPERATOR_CHART.chart,
      version: TIGERA_OPERATOR_CHART.version,
      targetNamespace: TIGERA_NAMESPACE,
      createNamespace: true,
      valuesContent: stringify(calicoValues(spec)),
    },
  });
  return { fileName: '10-calico.yaml', objects: [chart], cni: true };
}
