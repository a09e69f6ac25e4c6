import { ClusterTraffic } from '../../lib/analysis/flows';
import { FlowsCheck } from '../../lib/checks';
import { RenderedCluster } from '../../lib/output/rendered';
import { synthesize } from '../../lib/synth';
import { defaultSpecText } from '../helpers';

/*
 * The flows check: every flow the rendered objects need is admitted by the rendered
 * NetworkPolicies as Calico enforces them, and no allow rule goes unused.
 */

let shipped: RenderedCluster;
beforeAll(async () => {
  ({ cluster: shipped } = await synthesize(defaultSpecText(), 'cluster.yaml', { checks: [] }));
});

const without = (cluster: RenderedCluster, file: string): RenderedCluster => ({ ...cluster, objects: cluster.objects.filter((o) => o.file !== file) });

describe('flows', () => {
  test('the shipped cluster admits every flow it needs and has no unused allow', async () => {
    expect(await new FlowsCheck().run(shipped)).toEqual([]);
  });

  test('flows are derived from the rendered objects: scrape targets, datasources, routes, webhooks, LoadBalancers', () => {
    const flows = new ClusterTraffic(shipped).flows().map((f) => `${f.source.kind === 'pods' ? f.source.pods.map((p) => p.id).join('+') : f.source.what} -> ${f.target}`);
    expect(flows).toEqual(
      expect.arrayContaining([
        'Deployment/observability/prometheus -> Service/cert-manager/cert-manager:9402/TCP',
        'Deployment/observability/prometheus -> Service/traefik/traefik-metrics:9100/TCP',
        'Deployment/observability/grafana -> Service/observability/loki:3100/TCP',
        'DaemonSet/observability/alloy-debian -> Service/observability/loki:3100/TCP',
        'DaemonSet/observability/alloy-k3os -> Service/observability/loki:3100/TCP',
        'Deployment/traefik/traefik -> Service/observability/grafana:3000/TCP',
        'the API server on pi-cp -> Service/cert-manager/cert-manager-webhook:443/TCP',
        'the API server on pi-cp -> Service/metallb-system/metallb-webhook-service:443/TCP',
        'a LAN client (192.168.10.100) -> Service/observability/syslog:514/UDP',
        'a LAN client (192.168.10.100) -> Service/traefik/traefik:443/TCP',
      ]),
    );
  });

  test('GIVEN a route backend whose namespace does not admit the ingress controller THEN the flow and the policies that block it are named', async () => {
    const blocked = without(shipped, 'dist/observability/observability/networkpolicy-allow-from-ingress-controller.yaml');
    expect((await new FlowsCheck().run(blocked)).map((f) => f.message)).toEqual([
      'flow Deployment/traefik/traefik -> Service/observability/grafana:3000/TCP (Deployment/observability/grafana, TCP 3000; backend of HTTPRoute/observability/grafana) is blocked by NetworkPolicy/observability/default-deny-ingress, NetworkPolicy/observability/allow-same-namespace, NetworkPolicy/observability/allow-exposed-ports: no rule admits it',
    ]);
  });

  test('GIVEN a webhook namespace without the control-plane allow THEN the API server cannot call the webhook', async () => {
    const blocked = without(shipped, 'dist/ingress-controllers/cert-manager/networkpolicy-allow-control-plane.yaml');
    const messages = (await new FlowsCheck().run(blocked)).map((f) => f.message);
    expect(messages).toEqual([
      'flow the API server on pi-cp -> Service/cert-manager/cert-manager-webhook:443/TCP (Deployment/cert-manager/cert-manager-webhook, TCP https; webhook webhook.cert-manager.io of MutatingWebhookConfiguration/cert-manager-webhook) is blocked by NetworkPolicy/cert-manager/default-deny-ingress, NetworkPolicy/cert-manager/allow-same-namespace, NetworkPolicy/cert-manager/allow-prometheus: no rule admits it',
      'flow the API server on pi-cp -> Service/cert-manager/cert-manager-webhook:443/TCP (Deployment/cert-manager/cert-manager-webhook, TCP https; webhook webhook.cert-manager.io of ValidatingWebhookConfiguration/cert-manager-webhook) is blocked by NetworkPolicy/cert-manager/default-deny-ingress, NetworkPolicy/cert-manager/allow-same-namespace, NetworkPolicy/cert-manager/allow-prometheus: no rule admits it',
    ]);
  });

  test('GIVEN a metrics allow that no scrape job reads THEN it is reported as wider than the flows', async () => {
    // GIVEN Prometheus configured without the cert-manager jobs
    const noJobs: RenderedCluster = {
      ...shipped,
      objects: shipped.objects.map((o) =>
        o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === 'prometheus-config'
          ? { ...o, manifest: { ...o.manifest, data: Object.fromEntries(Object.entries(o.manifest.data as Record<string, string>).map(([k, v]) => [k, v.replace(/cert-manager(-cainjector)?\.cert-manager\.svc\.cluster\.local:9402/g, 'x.invalid:1')])) } }
          : o,
      ),
    };
    expect((await new FlowsCheck().run(noJobs)).map((f) => f.message)).toEqual([
      'dist/ingress-controllers/cert-manager/networkpolicy-allow-prometheus.yaml: NetworkPolicy/cert-manager/allow-prometheus: ingress[0] allows TCP 9402 from [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"observability"}}}], but no flow of the cluster uses it; remove the allow or add what needs it',
    ]);
  });

  test('Calico as it is: host-network pods are not policed, and the report lists them as reachable from the whole LAN', () => {
    const traffic = new ClusterTraffic(shipped);
    expect(traffic.hostNetworkPods().map((p) => p.id)).toEqual([
      'Deployment/media/dlna',
      'Deployment/home/home-assistant',
      'DaemonSet/observability/node-exporter',
      'DaemonSet/observability/process-exporter',
      'Deployment/tigera-operator/tigera-operator',
      'DaemonSet/metallb-system/metallb-speaker',
      'DaemonSet/kube-system/csi-nfs-node',
      'Deployment/kube-system/csi-nfs-controller',
    ]);
    // GIVEN a flow to the host-network Home Assistant from a LAN client, with a deny-all policy in its namespace
    const ha = traffic.pods.find((p) => p.id === 'Deployment/home/home-assistant')!;
    const flow = { why: 'test', source: { kind: 'address' as const, ip: '192.168.10.100', what: 'a LAN client' }, target: 'home-assistant', to: [ha], port: 8123, protocol: 'TCP' };
    expect(traffic.judge(flow, ha, { ip: '192.168.10.100' }, new Set())).toBeUndefined();
  });
});
