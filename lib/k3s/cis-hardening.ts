import { TIGERA_NAMESPACE } from '../conventions/namespaces';

/*
 * What the k3s CIS Hardening Guide asks of every k3s server and agent, as the values this
 * project renders (host provisioning writes them; lib/checks/cis-check.ts judges them
 * against the guide's control table in lib/k3s/cis-controls.ts, which does not read these
 * constants). Choices where the guide leaves a value open are explained in
 * docs/decisions/0102-k3s-cis-hardening.md.
 */

/** Where the admission configuration (Pod Security and EventRateLimit) lives on a server; the guide's path. */
export const ADMISSION_CONFIG_PATH = '/var/lib/rancher/k3s/server/psa.yaml';

/** TLS suites the guide gives for the kubelet (control 4.2.12), all in the CIS strong list. */
export const KUBELET_TLS_CIPHER_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
] as const;

/** Processes one pod may run (4.2.13): far above any workload here, low enough to stop a fork bomb. */
export const POD_MAX_PIDS = 4096;
/** Terminated pods kept before the garbage collector removes them (1.3.1); the guide's example. */
export const TERMINATED_POD_GC_THRESHOLD = 10;
/** API event rate limit for the whole server (1.2.9), the Kubernetes documentation's example. */
export const EVENT_RATE_LIMIT = { type: 'Server', qps: 5000, burst: 20000 } as const;

/**
 * The kernel settings `protect-kernel-defaults` makes the kubelet insist on: it exits when
 * one differs. The guide lists the first four; the kubelet (setupKernelTunables in
 * kubernetes pkg/kubelet/cm/container_manager_linux.go, values from component-helpers
 * node/util/sysctl) also checks the two key quotas, so both are written too.
 */
export const KUBELET_KERNEL_PARAMETERS: Readonly<Record<string, string>> = {
  'vm.panic_on_oom': '0',
  'vm.overcommit_memory': '1',
  'kernel.panic': '10',
  'kernel.panic_on_oops': '1',
  'kernel.keys.root_maxkeys': '1000000',
  'kernel.keys.root_maxbytes': '25000000',
};

/**
 * Other kernel settings of a node with the kubelet's added. A setting that contradicts the
 * kubelet's is a mistake in code (the kubelet would exit at start), not one to paper over.
 */
export function withKubeletKernelParameters(settings: Readonly<Record<string, string>>): Record<string, string> {
  for (const [key, value] of Object.entries(settings)) {
    const required = KUBELET_KERNEL_PARAMETERS[key];
    if (required !== undefined && required !== value) {
      throw new Error(`kernel setting ${key}=${value} contradicts the kubelet's ${key}=${required} (protect-kernel-defaults); use ${required}`);
    }
  }
  return { ...settings, ...KUBELET_KERNEL_PARAMETERS };
}

/** Where Debian nodes get the kubelet's kernel settings; the guide's file name. */
export const KUBELET_SYSCTL_FILE = '/etc/sysctl.d/90-kubelet.conf';

export interface PodSecurityExemption {
  readonly namespace: string;
  readonly reason: string;
}

/**
 * The namespaces Pod Security admission does not judge, each with why. Everything else gets
 * its namespace's labels or, without labels, the `restricted` default.
 */
export const POD_SECURITY_EXEMPTIONS: readonly PodSecurityExemption[] = [
  {
    namespace: 'kube-system',
    reason:
      "k3s's own components (CoreDNS, metrics-server), helm-controller's install Jobs for the bootstrap charts and the NFS CSI node plugin run here, some with host access; the k3s guide exempts it too",
  },
  {
    namespace: TIGERA_NAMESPACE,
    reason:
      'the bootstrap HelmChart creates it without labels before Flux (and the labelled Namespace it applies) can run; the operator uses the host network, so under the restricted default no CNI and then no pod at all would start',
  },
  {
    namespace: 'calico-system',
    reason: 'created at run time by the Tigera operator for calico-node (privileged, host network), Typha and the kube-controllers',
  },
];

/** The admission configuration the API server reads: Pod Security defaults and exemptions, and the event rate limit. */
export function admissionConfiguration(): Record<string, unknown> {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: {
            enforce: 'restricted',
            'enforce-version': 'latest',
            audit: 'restricted',
            'audit-version': 'latest',
            warn: 'restricted',
            'warn-version': 'latest',
          },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: POD_SECURITY_EXEMPTIONS.map((e) => e.namespace) },
        },
      },
      {
        name: 'EventRateLimit',
        configuration: {
          apiVersion: 'eventratelimit.admission.k8s.io/v1alpha1',
          kind: 'Configuration',
          limits: [{ ...EVENT_RATE_LIMIT }],
        },
      },
    ],
  };
}

/** Kubelet arguments for every node (a server runs a kubelet too). */
export function hardenedKubeletArgs(): string[] {
  return [
    'streaming-connection-idle-timeout=5m',
    `tls-cipher-suites=${KUBELET_TLS_CIPHER_SUITES.join(',')}`,
    `pod-max-pids=${POD_MAX_PIDS}`,
    'seccomp-default=true',
  ];
}

/** The k3s keys every node gets, server or agent. */
export function hardenedNodeConfig(): { 'protect-kernel-defaults': true; 'kubelet-arg': string[] } {
  return { 'protect-kernel-defaults': true, 'kubelet-arg': hardenedKubeletArgs() };
}

/** The k3s keys only a server gets; the API server's arguments add to the audit ones. */
export function hardenedServerConfig(): {
  'secrets-encryption': true;
  'kube-apiserver-arg': string[];
  'kube-controller-manager-arg': string[];
} {
  return {
    'secrets-encryption': true,
    'kube-apiserver-arg': [
      // Replaces k3s's own list (NodeRestriction), so it is named again.
      'enable-admission-plugins=NodeRestriction,EventRateLimit',
      `admission-control-config-file=${ADMISSION_CONFIG_PATH}`,
      'service-account-extend-token-expiration=false',
    ],
    'kube-controller-manager-arg': [`terminated-pod-gc-threshold=${TERMINATED_POD_GC_THRESHOLD}`],
  };
}
