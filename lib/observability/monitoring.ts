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
export type ScrapeConfig = Readonly<Record<string, unknown>>;

/** A scrape job a module contributes, with the Secret key it authenticates with, if any. */
export interface ScrapeJob {
  readonly config: ScrapeConfig;
  /**
   * A Secret key Prometheus reads as a file (`credentials_file`): mounted at
   * prometheusCredentialsFile(job_name).
   * @default - none
   */
  readonly credentials?: { readonly name: string; readonly key: string };
}

/** What a module adds to the monitoring stack. */
export interface MonitoringContributions {
  readonly scrapeJobs: readonly ScrapeJob[];
  readonly ruleGroups: readonly RuleGroup[];
  readonly dashboards: readonly DashboardSpec[];
}

export const NO_MONITORING: MonitoringContributions = { scrapeJobs: [], ruleGroups: [], dashboards: [] };

/** Where Prometheus finds the credentials of a contributed job. */
export function prometheusCredentialsFile(job: string): string {
  return `/etc/prometheus/secrets/${job}/token`;
}
