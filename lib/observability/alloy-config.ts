import { dirname } from 'node:path';
import { NodeOsFacts, NodeOsName } from '../host/node-os';
import { AUDIT_LOG_PATH } from '../k3s/k3s-requirements';
import { PORTS, serviceHost } from './constants';

/** The DaemonSet (and its ConfigMap's prefix) of the log agent on the nodes of one OS. */
export function alloyNodeAgentName(os: NodeOsName): string {
  return `alloy-${os}`;
}

/** Files every node agent reads besides its OS's own logs. */
const GENERIC_LOGS = '/var/log/*.log';

/** Host folders the Alloy node agent of an OS reads, mounted read-only at the same paths. */
export function alloyHostPaths(os: NodeOsFacts): string[] {
  const folders = ['/var/log', ...(os.journalDir ? [os.journalDir] : []), ...os.syslogFiles.map((f) => dirname(f)), dirname(AUDIT_LOG_PATH)];
  // A folder under another mounted folder is already visible.
  return [...new Set(folders)].filter((f, _, all) => !all.some((o) => o !== f && f.startsWith(`${o}/`)));
}

const lokiWrite = `loki.write "default" {
  endpoint {
    url = "http://${serviceHost('loki')}:${PORTS.loki}/loki/api/v1/push"
  }
}
`;

/** Whether a file is matched by `/var/log/*.log`. */
const genericLog = (file: string): boolean => dirname(file) === '/var/log' && file.endsWith('.log');

/**
 * The node agent of one OS: the journal where the OS has one (k3OS has none: the component
 * would fail to build there), its syslog files where it writes those, k3s's log file when k3s
 * does not log to the journal, auditd's log where auditd runs, the Kubernetes API audit log
 * (only the control plane writes it; elsewhere the pattern matches nothing) and every
 * container's log file. Labelled with the node and, for container logs, namespace, pod and
 * container from the file path (no API needed).
 */
export function alloyNodeConfig(os: NodeOsFacts): string {
  const system = [...os.syslogFiles, ...('file' in os.k3sLog ? [os.k3sLog.file] : [])].filter((f) => !genericLog(f));
  const targets = [
    { path: GENERIC_LOGS, job: 'system' },
    ...system.map((path) => ({ path, job: 'system' })),
    ...(os.auditdLog ? [{ path: os.auditdLog, job: 'audit' }] : []),
    { path: AUDIT_LOG_PATH, job: 'kube-audit' },
    { path: '/var/log/pods/*/*/*.log', job: 'containers' },
  ];
  const journal = os.journalDir
    ? `
loki.relabel "journal" {
  forward_to = []
  rule {
    source_labels = ["__journal__systemd_unit"]
    target_label  = "unit"
  }
  rule {
    source_labels = ["__journal_syslog_identifier"]
    target_label  = "program"
  }
}

loki.source.journal "system" {
  path          = "${os.journalDir}"
  relabel_rules = loki.relabel.journal.rules
  labels        = { job = "journal", node = sys.env("NODE_NAME") }
  forward_to    = [loki.write.default.receiver]
}
`
    : '';
  return `${lokiWrite}${journal}
local.file_match "logs" {
  path_targets = [
${targets.map((t) => `    { __path__ = "${t.path}", job = "${t.job}" },`).join('\n')}
  ]
}

loki.source.file "logs" {
  targets    = local.file_match.logs.targets
  forward_to = [loki.process.logs.receiver]
}

loki.process "logs" {
  stage.static_labels {
    values = { node = sys.env("NODE_NAME") }
  }
  stage.match {
    selector = "{job=\\"containers\\"}"
    stage.cri {}
    stage.regex {
      source     = "filename"
      expression = "/var/log/pods/(?P<namespace>[^_]+)_(?P<pod>[^_]+)_[^/]+/(?P<container>[^/]+)/"
    }
    stage.labels {
      values = { namespace = "", pod = "", container = "" }
    }
  }
  forward_to = [loki.write.default.receiver]
}
`;
}

/**
 * The gateway: the router's syslog (firewall, DHCP, WiFi events) on the syslog VIP, and the
 * Kubernetes events (the only part that needs the API).
 */
export function alloyGatewayConfig(): string {
  const listener = (protocol: string): string => `  listener {
    address       = "0.0.0.0:${PORTS.syslogListener}"
    protocol      = "${protocol}"
    syslog_format = "rfc3164"
    labels        = { job = "router" }
  }
`;
  return `${lokiWrite}
loki.source.syslog "router" {
${listener('udp')}${listener('tcp')}  forward_to = [loki.write.default.receiver]
}

loki.source.kubernetes_events "events" {
  job_name   = "kubernetes-events"
  log_format = "logfmt"
  forward_to = [loki.write.default.receiver]
}
`;
}
