import * as ipaddr from 'ipaddr.js';
import { clusterObjects, describeObject, RenderedCluster } from '../output/rendered';
import { LabelSelector, selectorMatches } from '../conventions/label-selectors';
import { NAMESPACE_NAME_LABEL } from '../conventions/namespaces';
import { eligibleNodes } from './scheduling';
import { podTemplateModel } from './workload-model';
import type { Yaml } from '../yaml/yaml';

/*
 * The traffic the cluster needs, derived from the rendered objects (ours and the charts'), and
 * how Calico's policy engine judges it against the rendered NetworkPolicies:
 * - pods on the host network are not policed (Calico polices host interfaces only with
 *   HostEndpoints, which this cluster has none of), and traffic from a host-network pod
 *   leaves with its node's address;
 * - traffic from a node to the pods on that node is always allowed (kubelet probes);
 * - otherwise Kubernetes NetworkPolicy semantics: a pod selected by an Ingress (Egress)
 *   policy takes only what one of those policies' rules admits.
 */

type Manifest = Yaml;

export interface PodEndpoint {
  readonly id: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  readonly ports: readonly { name?: string; containerPort: number; protocol: string }[];
  /** Node addresses the pod may run on. */
  readonly nodeIps: readonly string[];
}

/** Who starts a flow: pods, or an address (a node, a LAN client). */
export type FlowSource = { readonly kind: 'pods'; readonly pods: readonly PodEndpoint[] } | { readonly kind: 'address'; readonly ip: string; readonly what: string };

export interface Flow {
  /** What needs it, e.g. `Prometheus scrape target (ConfigMap/observability/prometheus-config)`. */
  readonly why: string;
  readonly source: FlowSource;
  /** `Service/ns/name:port`. */
  readonly target: string;
  readonly to: readonly PodEndpoint[];
  /** The pod port (resolved from the Service's targetPort) and protocol. */
  readonly port: number | string;
  readonly protocol: string;
}

export interface PolicyRule {
  readonly policy: string;
  readonly file: string;
  readonly direction: 'ingress' | 'egress';
  readonly index: number;
  readonly rule: Manifest;
}

function selects(selector: Manifest, labels: Readonly<Record<string, string>>): boolean {
  return Boolean(selector) && selectorMatches(selector as LabelSelector, labels);
}

function inCidr(ip: string, cidr: string, except: readonly string[] = []): boolean {
  const addr = ipaddr.parse(ip);
  const within = (c: string): boolean => {
    const [range, bits] = ipaddr.parseCIDR(c);
    return addr.kind() === range.kind() && addr.match(range, bits);
  };
  return within(cidr) && !except.some(within);
}

/** The model the flows check and the report share. */
export class ClusterTraffic {
  public readonly pods: PodEndpoint[] = [];
  private readonly objects: readonly { file: string; manifest: Manifest; release?: string }[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly policies: { file: string; manifest: Manifest }[];

  constructor(private readonly cluster: RenderedCluster) {
    this.objects = clusterObjects(cluster);
    for (const { manifest: m } of this.objects) {
      if (m.kind === 'Namespace') this.namespaceLabels.set(m.metadata.name, { ...(m.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: m.metadata.name });
    }
    this.policies = this.objects.filter((o) => o.manifest.kind === 'NetworkPolicy');
    for (const { manifest: m } of this.objects) {
      if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind)) continue;
      const spec = m.spec?.template?.spec ?? {};
      const nodes = eligibleNodes(podTemplateModel(m.spec?.template), cluster.spec);
      this.pods.push({
        id: describeObject(m),
        namespace: m.metadata.namespace ?? 'default',
        labels: m.spec?.template?.metadata?.labels ?? {},
        hostNetwork: spec.hostNetwork === true,
        ports: (spec.containers ?? []).flatMap((c: Manifest) => (c.ports ?? []).map((p: Manifest) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' }))),
        nodeIps: nodes.map((n) => n.ip),
      });
    }
  }

  private labelsOf(namespace: string): Record<string, string> {
    return this.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** The pods behind a Service and the pod port its `port` leads to. */
  public service(namespace: string, name: string, port: number | undefined, protocol?: string): { target: string; to: PodEndpoint[]; port: number | string; protocol: string } | undefined {
    const svc = this.objects.find((o) => o.manifest.kind === 'Service' && o.manifest.metadata.name === name && (o.manifest.metadata.namespace ?? 'default') === namespace)?.manifest;
    if (!svc) return undefined;
    const sp = (svc.spec?.ports ?? []).find((p: Manifest) => (port === undefined || p.port === port) && (protocol === undefined || (p.protocol ?? 'TCP') === protocol)) ?? svc.spec?.ports?.[0];
    const selector = svc.spec?.selector ?? {};
    const to = Object.keys(selector).length === 0 ? [] : this.pods.filter((p) => p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
    return { target: `Service/${namespace}/${name}:${sp?.port ?? port}/${sp?.protocol ?? 'TCP'}`, to, port: sp?.targetPort ?? sp?.port ?? port ?? 0, protocol: sp?.protocol ?? 'TCP' };
  }

  /** Every flow the rendered objects say the cluster needs. */
  public flows(): Flow[] {
    const flows: Flow[] = [];
    const add = (why: string, source: FlowSource, ns: string, name: string, port: number | undefined, protocol?: string): void => {
      const s = this.service(ns, name, port, protocol);
      if (s && s.to.length > 0) flows.push({ why, source, ...s });
    };
    const podsUsing = (configMap: string, namespace: string): PodEndpoint[] =>
      this.objects
        .filter(({ manifest: m }) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind) && (m.metadata.namespace ?? 'default') === namespace)
        .filter(({ manifest: m }) => (m.spec?.template?.spec?.volumes ?? []).some((v: Manifest) => v.configMap?.name === configMap))
        .map(({ manifest: m }) => this.pods.find((p) => p.id === describeObject(m))!);
    // Services a workload's configuration names (scrape targets, datasources, log and alert endpoints).
    for (const { manifest: m } of this.objects.filter((o) => o.manifest.kind === 'ConfigMap')) {
      const text = Object.values(m.data ?? {}).join('\n');
      const sources = podsUsing(m.metadata.name, m.metadata.namespace ?? 'default');
      if (sources.length === 0) continue;
      const seen = new Set<string>();
      for (const match of text.matchAll(/\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?:(\d+)/g)) {
        const key = `${match[1]}.${match[3]}:${match[5]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        add(`named in ${describeObject(m)}`, { kind: 'pods', pods: sources }, match[3], match[1], Number(match[5]));
      }
    }
    // The ingress controller to every route backend: the pods of the release that renders the Gateway's class.
    for (const { manifest: route } of this.objects.filter((o) => o.manifest.kind === 'HTTPRoute')) {
      for (const parent of route.spec?.parentRefs ?? []) {
        const gateway = this.objects.find((o) => o.manifest.kind === 'Gateway' && o.manifest.metadata.name === parent.name && o.manifest.metadata.namespace === (parent.namespace ?? route.metadata.namespace))?.manifest;
        const gatewayClass = gateway && this.objects.find((o) => o.manifest.kind === 'GatewayClass' && o.manifest.metadata.name === gateway.spec.gatewayClassName);
        const controller = gatewayClass?.release ? this.releasePods(gatewayClass.release) : [];
        if (controller.length === 0) continue;
        for (const rule of route.spec?.rules ?? []) {
          for (const ref of rule.backendRefs ?? []) {
            add(`backend of ${describeObject(route)}`, { kind: 'pods', pods: controller }, ref.namespace ?? route.metadata.namespace, ref.name, ref.port);
          }
        }
      }
    }
    // The API server (on the control plane's host) to every admission webhook.
    const apiServers = this.cluster.spec.nodes.filter((n) => n.role === 'server');
    for (const { manifest: m } of this.objects.filter((o) => o.manifest.kind === 'ValidatingWebhookConfiguration' || o.manifest.kind === 'MutatingWebhookConfiguration')) {
      for (const hook of m.webhooks ?? []) {
        const svc = hook.clientConfig?.service;
        if (!svc) continue;
        for (const node of apiServers) {
          add(`webhook ${hook.name} of ${describeObject(m)}`, { kind: 'address', ip: node.ip, what: `the API server on ${node.name}` }, svc.namespace, svc.name, svc.port ?? 443);
        }
      }
    }
    // The LAN to every port of every LoadBalancer Service.
    const client = this.lanClient();
    for (const { manifest: m } of this.objects.filter((o) => o.manifest.kind === 'Service' && o.manifest.spec?.type === 'LoadBalancer')) {
      for (const p of m.spec.ports ?? []) {
        add(`LoadBalancer ${describeObject(m)}`, { kind: 'address', ip: client, what: `a LAN client (${client})` }, m.metadata.namespace, m.metadata.name, p.port, p.protocol ?? 'TCP');
      }
    }
    return flows;
  }

  /** A LAN address that is no node's: where outside clients come from. */
  private lanClient(): string {
    return this.cluster.spec.network.lan.dhcpRange.split('-')[0];
  }

  private releasePods(release: string): PodEndpoint[] {
    const ids = new Set(this.objects.filter((o) => o.release === release).map((o) => describeObject(o.manifest)));
    return this.pods.filter((p) => ids.has(p.id));
  }

  private resolvePort(pod: PodEndpoint, port: number | string): number | undefined {
    return typeof port === 'number' ? port : pod.ports.find((p) => p.name === port)?.containerPort;
  }

  private portMatches(rulePorts: Manifest[] | undefined, pod: PodEndpoint, port: number | string, protocol: string): boolean {
    if (!rulePorts || rulePorts.length === 0) return true;
    const number = this.resolvePort(pod, port);
    return rulePorts.some((rp) => (rp.protocol ?? 'TCP') === protocol && (rp.port === undefined || rp.port === port || (typeof rp.port === 'string' ? this.resolvePort(pod, rp.port) === number : rp.port === number || (rp.endPort !== undefined && number !== undefined && number >= rp.port && number <= rp.endPort))));
  }

  /** Whether a peer of a rule in `policyNamespace` matches the flow's source (one pod of it). */
  private peerMatches(peer: Manifest, policyNamespace: string, source: { pod?: PodEndpoint; ip?: string }): boolean {
    if (peer.ipBlock) return source.ip !== undefined && inCidr(source.ip, peer.ipBlock.cidr, peer.ipBlock.except ?? []);
    if (!source.pod) return false;
    const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, this.labelsOf(source.pod.namespace)) : source.pod.namespace === policyNamespace;
    const podOk = peer.podSelector ? selects(peer.podSelector, source.pod.labels) : true;
    return nsOk && podOk;
  }

  /**
   * Judges one source (a pod, or an address) against the destination pod: `undefined` when
   * allowed (with the rules that admit it in `used`), else the policies that isolate it.
   */
  public judge(flow: Flow, dest: PodEndpoint, source: { pod?: PodEndpoint; ip?: string }, used: Set<PolicyRule>): string[] | undefined {
    if (dest.hostNetwork) return undefined;
    if (source.ip && dest.nodeIps.length === 1 && dest.nodeIps[0] === source.ip) return undefined;
    const blocked: string[] = [];
    const selecting = this.policies.filter(
      ({ manifest: p }) => (p.metadata.namespace ?? 'default') === dest.namespace && selects(p.spec?.podSelector ?? {}, dest.labels) && (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
    );
    if (selecting.length > 0) {
      const admitting = selecting.flatMap(({ file, manifest: p }) =>
        (p.spec.ingress ?? [])
          .map((rule: Manifest, index: number) => ({ policy: describeObject(p), file, direction: 'ingress' as const, index, rule }))
          .filter(({ rule }: PolicyRule) => this.portMatches(rule.ports, dest, flow.port, flow.protocol) && (!rule.from || rule.from.length === 0 || rule.from.some((peer: Manifest) => this.peerMatches(peer, dest.namespace, source)))),
      );
      if (admitting.length === 0) blocked.push(...selecting.map(({ manifest: p }) => describeObject(p)));
      admitting.forEach((r: PolicyRule) => used.add(this.ruleKey(r)));
    }
    if (source.pod && !source.pod.hostNetwork) {
      const egress = this.policies.filter(
        ({ manifest: p }) => (p.metadata.namespace ?? 'default') === source.pod!.namespace && selects(p.spec?.podSelector ?? {}, source.pod!.labels) && (p.spec?.policyTypes ?? []).includes('Egress'),
      );
      const ok = egress.length === 0 || egress.some(({ manifest: p }) => (p.spec.egress ?? []).some((rule: Manifest) => this.portMatches(rule.ports, dest, flow.port, flow.protocol) && (!rule.to || rule.to.length === 0 || rule.to.some((peer: Manifest) => !peer.ipBlock && (peer.namespaceSelector ? selects(peer.namespaceSelector, this.labelsOf(dest.namespace)) : dest.namespace === source.pod!.namespace) && (peer.podSelector ? selects(peer.podSelector, dest.labels) : true)))));
      if (!ok) blocked.push(...egress.map(({ manifest: p }) => `${describeObject(p)} (egress)`));
    }
    return blocked.length === 0 ? undefined : blocked;
  }

  private readonly keys = new Map<string, PolicyRule>();
  private ruleKey(r: PolicyRule): PolicyRule {
    const key = `${r.policy}#${r.direction}#${r.index}`;
    if (!this.keys.has(key)) this.keys.set(key, r);
    return this.keys.get(key)!;
  }

  /** Every ingress rule of every NetworkPolicy (the same objects `judge` marks as used). */
  public rules(): PolicyRule[] {
    return this.policies.flatMap(({ file, manifest: p }) =>
      (p.spec?.ingress ?? []).map((rule: Manifest, index: number) => this.ruleKey({ policy: describeObject(p), file, direction: 'ingress', index, rule })),
    );
  }

  /** Pods on the host network with the ports they listen on: the whole LAN reaches them. */
  public hostNetworkPods(): PodEndpoint[] {
    return this.pods.filter((p) => p.hostNetwork);
  }
}
