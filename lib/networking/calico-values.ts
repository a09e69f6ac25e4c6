import {
  InstallationSpec,
  InstallationSpecCalicoNetworkBgp,
  InstallationSpecCalicoNetworkContainerIpForwarding,
  InstallationSpecCalicoNetworkIpPoolsEncapsulation,
  InstallationSpecCalicoNetworkIpPoolsNatOutgoing,
  InstallationSpecCalicoNetworkNodeAddressAutodetectionV4Kubernetes,
  InstallationSpecCni,
  InstallationSpecCniType,
  toJson_InstallationSpec,
} from '../../imports/operator.tigera.io';
import { ClusterSpec } from '../spec/schema';

/**
 * The Calico `Installation` for this cluster, typed against the operator's CRD: VXLAN on
 * the one LAN segment (no BGP peering with the home router), the spec's pod CIDR, node
 * addresses from the Kubernetes InternalIP (k3s sets it to the node's spec ip), IP
 * forwarding in containers (WireGuard routes for its peers).
 */
export function calicoInstallation(spec: ClusterSpec): InstallationSpec {
  const cni: InstallationSpecCni = { type: InstallationSpecCniType.CALICO };
  return {
    cni,
    calicoNetwork: {
      bgp: InstallationSpecCalicoNetworkBgp.DISABLED,
      containerIpForwarding: InstallationSpecCalicoNetworkContainerIpForwarding.ENABLED,
      nodeAddressAutodetectionV4: {
        kubernetes: InstallationSpecCalicoNetworkNodeAddressAutodetectionV4Kubernetes.NODE_INTERNAL_IP,
      },
      ipPools: [
        {
          name: 'default-ipv4-ippool',
          cidr: spec.network.podCidr,
          encapsulation: InstallationSpecCalicoNetworkIpPoolsEncapsulation.VXLAN,
          natOutgoing: InstallationSpecCalicoNetworkIpPoolsNatOutgoing.ENABLED,
          nodeSelector: 'all()',
        },
      ],
    },
  };
}

/**
 * The tigera-operator chart values: the chart renders the Installation itself, so the
 * bootstrap HelmChart (applied by k3s before any CNI exists) and the Flux HelmRelease that
 * takes it over produce the same objects from this one value. The optional parts (API
 * server, Goldmane, Whisker) are off: nothing here uses them.
 */
export function calicoValues(spec: ClusterSpec): Record<string, unknown> {
  return {
    installation: { enabled: true, ...toJson_InstallationSpec(calicoInstallation(spec)) },
    apiServer: { enabled: false },
    goldmane: { enabled: false },
    whisker: { enabled: false },
  };
}
