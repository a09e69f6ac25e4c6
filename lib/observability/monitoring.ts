/*
 * What the monitoring stack is made of: alert rules, dashboards and their panels, scrape jobs.
 * The observability modules build them; a service module contributes its own.
 */

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: 'warning' | 'critical' };
  /** `runbook`: what to check and what is safe to do, for this cluster (runbooks.ts). */
  readonly annotations: { readonly summary: string; readonly runbook?: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export type Datasource = 'prometheus' | 'loki';

export interface PanelSpec {
  readonly title: string;
  readonly datasource: Datasource;
  readonly expr: string;
  /** Grafana unit, e.g. `percentunit`, `bytes`, `celsius`. */
  readonly unit?: string;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** One `scrape_configs` entry of prometheus.yml. */
export type ScrapeConfig = { readonly job_name: string } & Readonly<Record<string, unknown>>;

/** A scrape job a module contributes, with the Secret key it authenticates with, if any. */
export interface ScrapeJob {
  readonly config: ScrapeConfig;
  /**
   * A Secret key Prometheus reads as a file (`credentials_file`): mounted at
   * prometheusCredentialsFile(job_name).
   * @default - none
   */
  readonly credentials?: { readonly name: string; readonly key: string };
  /**
   * The pod port in the cluster the job reads: the namespace opens it to Prometheus, and to
   * nothing else (lib/k8s/homelab-namespace.ts).
   * @default - a target outside the pod network (a node, the LAN)
   */
  readonly target?: { readonly namespace: string; readonly port: number };
}

/** How one monitored signal of the design notes is collected, stored, shown and alerted on. */
export interface CoverageRow {
  /** The signal, as the design notes name it. */
  readonly signal: string;
  /** The workload that collects it. */
  readonly collector: string;
  /** The metric or log stream it is stored as; it appears in the panel's query. */
  readonly stored: string;
  /** Dashboard uid and panel title. */
  readonly dashboard: string;
  readonly panel: string;
  /** The alert rule, or why none makes sense. */
  readonly alert: { readonly rule: string } | { readonly none: string };
  /** Set when the collector is a service on the storage node (Ansible), not a workload. @default false */
  readonly onHost?: boolean;
}

/** What a module adds to the monitoring stack. */
export interface MonitoringContributions {
  readonly scrapeJobs: readonly ScrapeJob[];
  readonly ruleGroups: readonly RuleGroup[];
  readonly dashboards: readonly DashboardSpec[];
  /** Rows of the README's coverage table. */
  readonly coverage: readonly CoverageRow[];
}

/** The coverage table's reason for a log signal without its own alert. */
export const LOGS_ARE_READ = 'logs are read when something is wrong; the matching metrics carry the alerts';

export const NO_MONITORING: MonitoringContributions = { scrapeJobs: [], ruleGroups: [], dashboards: [], coverage: [] };

/** An alert rule with its severity and summary. */
export function alertRule(alert: string, expr: string, forDuration: string | undefined, severity: 'warning' | 'critical', summary: string): AlertRule {
  return { alert, expr, ...(forDuration ? { for: forDuration } : {}), labels: { severity }, annotations: { summary } };
}

/** A Prometheus panel. */
export function metricPanel(title: string, expr: string, unit?: string): PanelSpec {
  return { title, datasource: 'prometheus', expr, unit };
}

/** A Loki panel. */
export function logPanel(title: string, expr: string): PanelSpec {
  return { title, datasource: 'loki', expr };
}

/** Where Prometheus finds the credentials of a contributed job. */
export function prometheusCredentialsFile(job: string): string {
  return `/etc/prometheus/secrets/${job}/token`;
}
