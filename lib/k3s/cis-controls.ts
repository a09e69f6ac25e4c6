/*
 * The controls of the k3s CIS Hardening Guide and its self-assessment for the pinned k3s
 * minor, as a table: id, what is expected, where it comes from, and how to judge it on what
 * host provisioning rendered for a node. Expected values are written here from the guide,
 * not read from the values this project renders (lib/k3s/cis-hardening.ts), so a change on
 * either side shows up as a failed control with its id.
 *
 * Covered: what a synth can see (k3s flags and the component arguments they carry, kernel
 * settings written to the nodes, the admission configuration). Not covered: file
 * permissions and RBAC of a running cluster (sections 1.1, 5.1), which the guide audits on
 * the node; workload settings (5.2.2+) are the security-policy check's.
 */

/** What host provisioning renders for one node, as the checks read it back. */
export interface RenderedNodeK3s {
  readonly node: string;
  readonly role: 'server' | 'agent';
  /** The rendered file the k3s flags come from. */
  readonly file: string;
  /** k3s config keys; list flags as arrays. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** Effective kernel settings written to the node before k3s starts (later files win). */
  readonly sysctls: ReadonlyMap<string, string>;
  /** Every kernel setting as written, in the order applied: where, key, value. */
  readonly sysctlDefinitions: readonly (readonly [string, string, string])[];
  /** Files provisioning writes on the node: absolute path -> content. */
  readonly nodeFiles: ReadonlyMap<string, string>;
}

/** Namespaces a synth knows about and the Pod Security label each carries. */
export interface NamespaceFacts {
  /** Namespace -> its `pod-security.kubernetes.io/enforce` label, or undefined without one. */
  readonly labels: ReadonlyMap<string, string | undefined>;
  /** Namespaces the server's bootstrap HelmCharts create (unlabelled, before Flux runs). */
  readonly createdAtBootstrap: ReadonlySet<string>;
}

export interface ControlContext {
  readonly nodes: readonly RenderedNodeK3s[];
  readonly namespaces: NamespaceFacts;
}

export type ControlStatus = 'met' | 'not met' | 'not applicable';

export interface ControlResult {
  readonly status: ControlStatus;
  /** Why not met (naming node and file), or why not applicable; empty when met. */
  readonly detail: string;
}

export interface CisControl {
  /** The benchmark id (self-assessment numbering), or `guide:<topic>` for the guide's host requirements. */
  readonly id: string;
  readonly title: string;
  /** Judged on the server only, or on every node (each runs a kubelet). */
  readonly scope: 'server' | 'every node';
  /** The expected value, in words. */
  readonly expected: string;
  readonly source: string;
  /** Returns why the node fails the control, or undefined when it passes. */
  readonly judge?: (node: RenderedNodeK3s, context: ControlContext) => string | undefined;
  /** A control this project leaves out on purpose, and why. */
  readonly notApplicable?: string;
}

/** The documents a control table is taken from: the short name used in `source`, and the document. */
const GUIDE = 'guide';
const SELF_ASSESSMENT = 'self-assessment 1.12';
const KUBELET = 'kubelet';
export const CIS_SOURCES: Readonly<Record<string, string>> = {
  [GUIDE]: 'k3s CIS Hardening Guide, k3s-io/docs docs/security/hardening-guide.md (commit 035acb07eecd22cec26391cffc047d6d495348ea), "v1.29 and Newer"',
  [SELF_ASSESSMENT]:
    'k3s CIS 1.12 Self Assessment Guide, "specific to the v1.32-v1.36 release line of K3s", k3s-io/docs docs/security/self-assessment-1.12.md (commit 18ee0839809e3d8b6ef3d4af18b65f01bbfecdb1)',
  [KUBELET]: 'setupKernelTunables in kubernetes pkg/kubelet/cm/container_manager_linux.go, values from k8s.io/component-helpers node/util/sysctl',
};

/** Strong ciphers per CIS 1.2.29 / 4.2.12 (the self-assessment's list). */
const STRONG_CIPHERS = new Set([
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

/** A k3s flag's value as written on the command line. */
function flagText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `--kube-apiserver-arg=k=v` style arguments of one component as a map (the last one wins). */
export function componentArgs(node: RenderedNodeK3s, flag: string): Map<string, string> {
  const raw = node.flags[flag];
  const list = Array.isArray(raw) ? raw.map(flagText) : raw === undefined ? [] : [flagText(raw)];
  return new Map(
    list.map((a) => {
      const [k, ...v] = a.replace(/^--/, '').split('=');
      return [k, v.join('=')] as [string, string];
    }),
  );
}

const where = (node: RenderedNodeK3s): string => `${node.file} (${node.node})`;
const show = (v: string | undefined): string => (v === undefined ? 'not set' : `"${v}"`);

/** The component argument must be present and satisfy `ok`. */
function argIs(flag: string, arg: string, ok: (v: string) => boolean, want: string) {
  return (node: RenderedNodeK3s): string | undefined => {
    const v = componentArgs(node, flag).get(arg);
    return v !== undefined && ok(v) ? undefined : `${where(node)}: ${flag} ${arg} is ${show(v)}, expected ${want}`;
  };
}

/** A k3s default that passes the control: it must not be overridden with `bad`. */
function notOverridden(flag: string, arg: string, bad: (v: string) => boolean, want: string) {
  return (node: RenderedNodeK3s): string | undefined => {
    const v = componentArgs(node, flag).get(arg);
    return v !== undefined && bad(v) ? `${where(node)}: ${flag} ${arg} is "${v}"; ${want}` : undefined;
  };
}

const atLeast = (n: number) => (v: string): boolean => /^\d+$/.test(v) && Number(v) >= n;
const admissionPlugins = (node: RenderedNodeK3s): string[] =>
  (componentArgs(node, 'kube-apiserver-arg').get('enable-admission-plugins') ?? '').split(',').filter(Boolean);

/** The admission configuration file the server's API server is pointed at, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AdmissionConfig = { plugins?: { name?: string; configuration?: any; path?: string }[] };

function admissionConfig(node: RenderedNodeK3s, parse: (text: string) => unknown): { path?: string; config?: AdmissionConfig; problem?: string } {
  const path = componentArgs(node, 'kube-apiserver-arg').get('admission-control-config-file');
  if (!path) return { problem: `${where(node)}: kube-apiserver-arg admission-control-config-file is not set` };
  const text = node.nodeFiles.get(path);
  if (text === undefined) return { path, problem: `${where(node)}: the admission configuration ${path} is not written by provisioning` };
  return { path, config: parse(text) as AdmissionConfig };
}

function plugin(config: AdmissionConfig, name: string) {
  return (config.plugins ?? []).find((p) => p.name === name)?.configuration;
}

const LEVELS = ['privileged', 'baseline', 'restricted'];

/**
 * 5.2.1 on the admission configuration: a `restricted` default for every mode, every
 * namespace with a level, and no namespace created unlabelled at bootstrap whose workloads
 * need more than the default without being exempt (they would never start).
 */
function podSecurityProblems(node: RenderedNodeK3s, context: ControlContext, parse: (text: string) => unknown): string | undefined {
  const { path, config, problem } = admissionConfig(node, parse);
  if (problem) return problem;
  const ps = plugin(config!, 'PodSecurity');
  if (!ps) return `${where(node)}: ${path} configures no PodSecurity plugin`;
  const problems: string[] = [];
  for (const mode of ['enforce', 'audit', 'warn']) {
    if (ps.defaults?.[mode] !== 'restricted') problems.push(`defaults.${mode} is ${show(ps.defaults?.[mode])}, expected "restricted"`);
  }
  const exempt = new Set<string>(ps.exemptions?.namespaces ?? []);
  const byDefault = LEVELS.includes(ps.defaults?.enforce) ? (ps.defaults.enforce as string) : undefined;
  for (const [ns, label] of [...context.namespaces.labels].sort(([a], [b]) => a.localeCompare(b))) {
    if (exempt.has(ns)) continue;
    if (label === undefined && byDefault === undefined) {
      problems.push(`namespace ${ns} has no pod-security.kubernetes.io/enforce label and the configuration no default: it runs with no level`);
    } else if (context.namespaces.createdAtBootstrap.has(ns) && label !== undefined && byDefault !== undefined && LEVELS.indexOf(label) < LEVELS.indexOf(byDefault)) {
      problems.push(`namespace ${ns} is created unlabelled at bootstrap, and its workloads need "${label}"; under the default "${byDefault}" they never start: exempt it`);
    }
  }
  return problems.length > 0 ? `${where(node)}: ${path}: ${problems.join('; ')}` : undefined;
}

function eventRateLimitProblems(node: RenderedNodeK3s, parse: (text: string) => unknown): string | undefined {
  if (!admissionPlugins(node).includes('EventRateLimit')) {
    return `${where(node)}: kube-apiserver-arg enable-admission-plugins is ${show(admissionPlugins(node).join(',') || undefined)}, expected it to include EventRateLimit`;
  }
  const { path, config, problem } = admissionConfig(node, parse);
  if (problem) return problem;
  const limits = plugin(config!, 'EventRateLimit')?.limits ?? [];
  const valid = limits.filter((l: { type?: string; qps?: number; burst?: number }) => ['Server', 'Namespace', 'User', 'SourceAndObject'].includes(l.type ?? '') && (l.qps ?? 0) > 0 && (l.burst ?? 0) > 0);
  return valid.length > 0 ? undefined : `${where(node)}: ${path} configures no EventRateLimit limit (type, qps > 0, burst > 0)`;
}

/**
 * The control table for a k3s minor, or undefined when the project has none for it (the
 * check then fails: a new minor needs its guide read first).
 */
export function cisControls(k3sMinor: number, parse: (text: string) => unknown): readonly CisControl[] | undefined {
  if (k3sMinor < 32 || k3sMinor > 36) return undefined;
  return [
    {
      id: 'guide:protect-kernel-defaults',
      title: 'The kubelet refuses to run on kernel settings other than its defaults',
      scope: 'every node',
      expected: 'protect-kernel-defaults: true',
      source: `${GUIDE}, "Host-level Requirements"`,
      judge: (n) => (n.flags['protect-kernel-defaults'] === true ? undefined : `${where(n)}: protect-kernel-defaults is ${show(n.flags['protect-kernel-defaults'] === undefined ? undefined : flagText(n.flags['protect-kernel-defaults']))}, expected true`),
    },
    {
      id: 'guide:kernel-parameters',
      title: 'The kernel settings protect-kernel-defaults requires are written before k3s starts',
      scope: 'every node',
      expected: 'vm.panic_on_oom=0, vm.overcommit_memory=1, kernel.panic=10, kernel.panic_on_oops=1, kernel.keys.root_maxkeys=1000000, kernel.keys.root_maxbytes=25000000',
      source: `${GUIDE}, "Set kernel parameters"; the two key quotas: ${KUBELET}`,
      judge: (n) => {
        const want: [string, string][] = [
          ['vm.panic_on_oom', '0'], ['vm.overcommit_memory', '1'], ['kernel.panic', '10'], ['kernel.panic_on_oops', '1'],
          ['kernel.keys.root_maxkeys', '1000000'], ['kernel.keys.root_maxbytes', '25000000'],
        ];
        const wrong = want.filter(([k, v]) => n.sysctls.get(k) !== v).map(([k, v]) => `${k} is ${show(n.sysctls.get(k))}, expected "${v}"`);
        // A contradicting setting hidden by a later file is still a mistake: someone meant it.
        const required = new Map(want);
        const contradicting = n.sysctlDefinitions
          .filter(([, k, v]) => required.has(k) && required.get(k) !== v && n.sysctls.get(k) === required.get(k))
          .map(([file, k, v]) => `${file} sets ${k} = ${v}, which the kubelet refuses (a later file hides it)`);
        const problems = [...wrong, ...contradicting];
        return problems.length > 0 ? `${n.node}: ${problems.join('; ')}` : undefined;
      },
    },
    {
      id: '1.2.9',
      title: 'The admission control plugin EventRateLimit is set',
      scope: 'server',
      expected: 'enable-admission-plugins includes EventRateLimit; the admission configuration sets a limit',
      source: `${SELF_ASSESSMENT}; ${GUIDE}, "Control 1.2.9"`,
      judge: (n) => eventRateLimitProblems(n, parse),
    },
    {
      id: '1.2.11',
      title: 'The admission control plugin AlwaysPullImages is set',
      scope: 'server',
      expected: 'enable-admission-plugins includes AlwaysPullImages',
      source: SELF_ASSESSMENT,
      notApplicable:
        'left out on purpose: every pod start would need the registry, so a home uplink outage or a registry rate limit would stop restarts and failovers; the guide marks it permissive for such clusters',
    },
    {
      id: '1.2.14',
      title: 'The admission control plugin NodeRestriction is set',
      scope: 'server',
      expected: 'enable-admission-plugins includes NodeRestriction (the list replaces k3s\'s own)',
      source: SELF_ASSESSMENT,
      judge: (n) => {
        const set = componentArgs(n, 'kube-apiserver-arg').has('enable-admission-plugins');
        return !set || admissionPlugins(n).includes('NodeRestriction') ? undefined : `${where(n)}: enable-admission-plugins is "${admissionPlugins(n).join(',')}", which drops k3s's NodeRestriction`;
      },
    },
    {
      id: '1.2.16',
      title: 'The --audit-log-path argument is set',
      scope: 'server',
      expected: 'audit-log-path set',
      source: SELF_ASSESSMENT,
      judge: argIs('kube-apiserver-arg', 'audit-log-path', (v) => v.startsWith('/'), 'an absolute path'),
    },
    {
      id: '1.2.17',
      title: 'The --audit-log-maxage argument is set to 30 or as appropriate',
      scope: 'server',
      expected: 'audit-log-maxage >= 30',
      source: SELF_ASSESSMENT,
      judge: argIs('kube-apiserver-arg', 'audit-log-maxage', atLeast(30), 'at least 30'),
    },
    {
      id: '1.2.18',
      title: 'The --audit-log-maxbackup argument is set to 10 or as appropriate',
      scope: 'server',
      expected: 'audit-log-maxbackup >= 10',
      source: SELF_ASSESSMENT,
      judge: argIs('kube-apiserver-arg', 'audit-log-maxbackup', atLeast(10), 'at least 10'),
    },
    {
      id: '1.2.19',
      title: 'The --audit-log-maxsize argument is set to 100 or as appropriate',
      scope: 'server',
      expected: 'audit-log-maxsize >= 100',
      source: SELF_ASSESSMENT,
      judge: argIs('kube-apiserver-arg', 'audit-log-maxsize', atLeast(100), 'at least 100'),
    },
    {
      id: '1.2.20',
      title: 'The --request-timeout argument is set as appropriate',
      scope: 'server',
      expected: 'request-timeout as appropriate',
      source: SELF_ASSESSMENT,
      notApplicable: 'left at the default 60s, which CIS recommends unless a need to change it exists; none does here',
    },
    {
      id: '1.2.27',
      title: 'The --encryption-provider-config argument is set (secrets encrypted at rest)',
      scope: 'server',
      expected: 'secrets-encryption: true',
      source: SELF_ASSESSMENT,
      judge: (n) => (n.flags['secrets-encryption'] === true ? undefined : `${where(n)}: secrets-encryption is ${show(n.flags['secrets-encryption'] === undefined ? undefined : flagText(n.flags['secrets-encryption']))}, expected true`),
    },
    {
      id: '1.2.28',
      title: 'Encryption providers are appropriately configured',
      scope: 'server',
      expected: 'secrets-encryption-provider aescbc (k3s default) or secretbox',
      source: SELF_ASSESSMENT,
      judge: (n) => {
        const p = n.flags['secrets-encryption-provider'];
        return p === undefined || p === 'aescbc' || p === 'secretbox' ? undefined : `${where(n)}: secrets-encryption-provider is "${flagText(p)}", expected aescbc or secretbox`;
      },
    },
    {
      id: '1.2.30',
      title: 'The --service-account-extend-token-expiration parameter is set to false',
      scope: 'server',
      expected: 'service-account-extend-token-expiration=false',
      source: `${SELF_ASSESSMENT}; ${GUIDE}`,
      judge: argIs('kube-apiserver-arg', 'service-account-extend-token-expiration', (v) => v === 'false', '"false"'),
    },
    {
      id: '1.3.1',
      title: 'The --terminated-pod-gc-threshold argument is set as appropriate',
      scope: 'server',
      expected: 'terminated-pod-gc-threshold set (> 0)',
      source: `${SELF_ASSESSMENT}; ${GUIDE}`,
      judge: argIs('kube-controller-manager-arg', 'terminated-pod-gc-threshold', atLeast(1), 'a positive number'),
    },
    {
      id: '1.2.1',
      title: 'The API server --anonymous-auth argument is false (k3s default, not overridden)',
      scope: 'server',
      expected: 'anonymous-auth not set to true',
      source: SELF_ASSESSMENT,
      judge: notOverridden('kube-apiserver-arg', 'anonymous-auth', (v) => v !== 'false', 'k3s sets false; remove the override'),
    },
    {
      id: '1.2.6',
      title: 'The --authorization-mode argument is not AlwaysAllow (k3s default, not overridden)',
      scope: 'server',
      expected: 'authorization-mode without AlwaysAllow',
      source: SELF_ASSESSMENT,
      judge: notOverridden('kube-apiserver-arg', 'authorization-mode', (v) => v.split(',').includes('AlwaysAllow') || !v.split(',').includes('Node') || !v.split(',').includes('RBAC'), 'it must keep Node and RBAC and not allow all'),
    },
    {
      id: '1.2.15',
      title: 'API server, controller manager and scheduler --profiling is false (k3s default, not overridden)',
      scope: 'server',
      expected: 'profiling not set to true',
      source: `${SELF_ASSESSMENT} (1.2.15, 1.3.2, 1.4.1)`,
      judge: (n) =>
        ['kube-apiserver-arg', 'kube-controller-manager-arg', 'kube-scheduler-arg']
          .map((f) => notOverridden(f, 'profiling', (v) => v !== 'false', 'k3s sets false; remove the override')(n))
          .find((m) => m !== undefined),
    },
    {
      id: '1.3.7',
      title: 'Controller manager and scheduler bind to 127.0.0.1 (k3s default, not overridden)',
      scope: 'server',
      expected: 'bind-address not set to another address',
      source: `${SELF_ASSESSMENT} (1.3.7, 1.4.2)`,
      judge: (n) =>
        ['kube-controller-manager-arg', 'kube-scheduler-arg']
          .map((f) => notOverridden(f, 'bind-address', (v) => v !== '127.0.0.1', 'k3s binds to 127.0.0.1; remove the override')(n))
          .find((m) => m !== undefined),
    },
    {
      id: '4.2.1',
      title: 'The kubelet --anonymous-auth argument is false (k3s default, not overridden)',
      scope: 'every node',
      expected: 'kubelet anonymous-auth not set to true',
      source: SELF_ASSESSMENT,
      judge: notOverridden('kubelet-arg', 'anonymous-auth', (v) => v !== 'false', 'k3s sets false; remove the override'),
    },
    {
      id: '4.2.4',
      title: 'The kubelet --read-only-port is 0 (k3s default, not overridden)',
      scope: 'every node',
      expected: 'read-only-port not set to another port',
      source: SELF_ASSESSMENT,
      judge: notOverridden('kubelet-arg', 'read-only-port', (v) => v !== '0', 'k3s sets 0; remove the override'),
    },
    {
      id: '4.2.5',
      title: 'The --streaming-connection-idle-timeout argument is not 0',
      scope: 'every node',
      expected: 'streaming-connection-idle-timeout=5m (not 0)',
      source: `${SELF_ASSESSMENT}; ${GUIDE}`,
      judge: argIs('kubelet-arg', 'streaming-connection-idle-timeout', (v) => !/^0+[a-z]*$/.test(v), 'a duration other than 0 (the guide sets 5m)'),
    },
    {
      id: '4.2.6',
      title: 'The --make-iptables-util-chains argument is true (k3s default, not overridden)',
      scope: 'every node',
      expected: 'make-iptables-util-chains not set to false',
      source: SELF_ASSESSMENT,
      judge: notOverridden('kubelet-arg', 'make-iptables-util-chains', (v) => v !== 'true', 'k3s sets true; remove the override'),
    },
    {
      id: '4.2.12',
      title: 'The kubelet only makes use of strong cryptographic ciphers',
      scope: 'every node',
      expected: 'kubelet tls-cipher-suites set, only from the CIS strong list',
      source: `${SELF_ASSESSMENT}; ${GUIDE}`,
      judge: argIs('kubelet-arg', 'tls-cipher-suites', (v) => v.split(',').every((c) => STRONG_CIPHERS.has(c)), 'a list of strong ciphers only'),
    },
    {
      id: '4.2.13',
      title: 'A limit is set on pod PIDs',
      scope: 'every node',
      expected: 'kubelet pod-max-pids > 0',
      source: `${SELF_ASSESSMENT}; ${GUIDE}, "Control 4.2.13"`,
      judge: argIs('kubelet-arg', 'pod-max-pids', atLeast(1), 'a positive number'),
    },
    {
      id: '4.2.14',
      title: 'The --seccomp-default parameter is set to true',
      scope: 'every node',
      expected: 'kubelet seccomp-default=true',
      source: SELF_ASSESSMENT,
      judge: argIs('kubelet-arg', 'seccomp-default', (v) => v === 'true', '"true"'),
    },
    {
      id: '5.2.1',
      title: 'The cluster has an active policy control mechanism in place for every namespace',
      scope: 'server',
      expected: 'Pod Security admission configuration with enforce/audit/warn defaults "restricted"; every namespace with a level; exemptions named',
      source: `${SELF_ASSESSMENT}; ${GUIDE}, "Pod Security"`,
      judge: (n, c) => podSecurityProblems(n, c, parse),
    },
  ];
}
