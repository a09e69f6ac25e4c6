import { AUDIT_LOG_PATH } from '../k3s/k3s-requirements';
import { PORTS, serviceHost } from './constants';

/** Host folders the Alloy node agent reads, mounted read-only at the same paths. */
export function alloyHostPaths(): string[] {
  return ['/var/log', '/run/log/journal', AUDIT_LOG_PATH.replace(/\/[^/]+$/, '')];
}

const lokiWrite = `loki.write "default" {
  endpoint {
    url = "http://${serviceHost('loki')}:${PORTS.loki}/loki/api/v1/push"
  }
}
`;

/**
 * The node agent: the journal, /var/log, the audit logs (auditd's and the Kubernetes API's
 * on the control plane) and every container's log file, labelled with the node, and, for
 * container logs, namespace, pod and container taken from the file path (no API needed).
 */
export function alloyNodeConfig(): string {
  return `${lokiWrite}
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
  path          = "/var/log/journal"
  relabel_rules = loki.relabel.journal.rules
  labels        = { job = "journal", node = sys.env("NODE_NAME") }
  forward_to    = [loki.write.default.receiver]
}

local.file_match "logs" {
  path_targets = [
    { __path__ = "/var/log/*.log", job = "system" },
    { __path__ = "/var/log/audit/audit.log", job = "audit" },
    { __path__ = "${AUDIT_LOG_PATH}", job = "kube-audit" },
    { __path__ = "/var/log/pods/*/*/*.log", job = "containers" },
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
