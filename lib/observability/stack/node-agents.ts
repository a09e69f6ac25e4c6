import { Construct } from 'constructs';
import { stringifyYaml as stringify } from '../../yaml/yaml-memo';
import { HomelabWorkload, RESTRICTED_CONTAINER } from '../../k8s/homelab-workload';
import { alloyHostPaths, alloyNodeAgentName, alloyNodeConfig } from '../alloy-config';
import { clusterOses, NODE_OS } from '../../host/node-os';
import { TEXTFILE_DIR } from '../../conventions/node-paths';
import { OBSERVABILITY_IMAGES as IMAGES, OBSERVABILITY_NAMESPACE as NS, PORTS } from '../constants';
import { Placement } from '../../placement/placement';
import { ClusterSpec } from '../../spec/schema';
import { resources, nonRoot, httpProbe, configMap } from './kit';

export interface NodeAgentsProps {
  readonly spec: ClusterSpec;
}

/** node-exporter, process-exporter and the Alloy log agent on every node, the control plane included. */
export class NodeAgents extends Construct {
  constructor(scope: Construct, id: string, props: NodeAgentsProps) {
    super(scope, id);
    const { spec } = props;
    new HomelabWorkload(this, 'NodeExporter', {
      kind: 'DaemonSet',
      name: 'node-exporter',
      namespace: NS,
      component: 'node-agent',
      placement: Placement.everyNode(),
      hostNetwork: true,
      securityExceptions: {
        hostNetwork: "reports the node's own network interfaces",
        hostPath: "reads the node's filesystems (read-only) and the textfile folder where host jobs leave metrics",
      },
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'node-exporter',
          image: IMAGES.nodeExporter,
          args: [
            '--path.rootfs=/host/root',
            '--path.procfs=/host/root/proc',
            '--path.sysfs=/host/root/sys',
            `--collector.textfile.directory=${TEXTFILE_DIR}`,
            '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/k3s|var/lib/kubelet/.+|var/lib/rancher/k3s/agent/containerd/.+)($|/)',
          ],
          ports: [{ name: 'metrics', containerPort: PORTS.nodeExporter }],
          resources: resources('20m', '32Mi', '96Mi'),
          readinessProbe: httpProbe(PORTS.nodeExporter, '/'),
          volumeMounts: [
            { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
            { name: 'textfile', mountPath: TEXTFILE_DIR, readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'root', hostPath: { path: '/' } },
        { name: 'textfile', hostPath: { path: TEXTFILE_DIR, type: 'DirectoryOrCreate' } },
      ],
    });

    configMap(this, 'process-exporter-config', {
      'config.yml': stringify({ process_names: [{ name: '{{.Comm}}', cmdline: ['.+'] }] }),
    });
    new HomelabWorkload(this, 'ProcessExporter', {
      kind: 'DaemonSet',
      name: 'process-exporter',
      namespace: NS,
      component: 'node-agent',
      placement: Placement.everyNode(),
      hostNetwork: true,
      securityExceptions: {
        hostNetwork: 'serves on the node address, like node-exporter, so Prometheus finds it without the API',
        hostPath: "reads the node's /proc (read-only) for per-process usage",
      },
      podSecurityContext: nonRoot(65534),
      containers: [
        {
          name: 'process-exporter',
          image: IMAGES.processExporter,
          args: ['-procfs', '/host/proc', '-config.path', '/config/config.yml', '-web.listen-address', `:${PORTS.processExporter}`],
          ports: [{ name: 'metrics', containerPort: PORTS.processExporter }],
          resources: resources('20m', '32Mi', '96Mi'),
          volumeMounts: [
            { name: 'proc', mountPath: '/host/proc', readOnly: true },
            { name: 'config', mountPath: '/config', readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'proc', hostPath: { path: '/proc' } },
        { name: 'config', configMap: { name: 'process-exporter-config' } },
      ],
    });

    // One log agent per node OS: what each OS logs to (journal or syslog files) is in NODE_OS.
    for (const os of clusterOses(spec.nodes)) {
      const facts = NODE_OS[os];
      const name = alloyNodeAgentName(os);
      configMap(this, `${name}-config`, { 'config.alloy': alloyNodeConfig(facts) });
      const hostPaths = alloyHostPaths(facts);
      new HomelabWorkload(this, `Alloy-${os}`, {
        kind: 'DaemonSet',
        name,
        namespace: NS,
        component: 'log-agent',
        placement: Placement.everyNodeOf(spec.nodes.filter((n) => n.os === os)),
        securityExceptions: {
          runAsNonRoot: `${facts.journalDir ? 'the journal, ' : ''}/var/log/pods and the audit logs are readable by root only`,
          hostPath: `reads host logs (${hostPaths.join(', ')}, read-only) and keeps its read positions in /var/lib/alloy`,
        },
        podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'alloy',
            image: IMAGES.alloy,
            args: ['run', '/etc/alloy/config.alloy', '--storage.path=/var/lib/alloy/data', `--server.http.listen-addr=0.0.0.0:${PORTS.alloy}`],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            ports: [{ name: 'http', containerPort: PORTS.alloy }],
            resources: resources('30m', '96Mi', '256Mi'),
            readinessProbe: httpProbe(PORTS.alloy, '/-/ready'),
            securityContext: { ...RESTRICTED_CONTAINER, runAsNonRoot: false, runAsUser: 0 },
            volumeMounts: [
              { name: 'config', mountPath: '/etc/alloy', readOnly: true },
              { name: 'state', mountPath: '/var/lib/alloy' },
              ...hostPaths.map((path, i) => ({ name: `host-${i}`, mountPath: path, readOnly: true })),
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: `${name}-config` } },
          { name: 'state', hostPath: { path: '/var/lib/alloy', type: 'DirectoryOrCreate' } },
          ...hostPaths.map((path, i) => ({ name: `host-${i}`, hostPath: { path, type: 'DirectoryOrCreate' } })),
        ],
      });
    }
  }
}
