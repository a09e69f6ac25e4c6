/** Where Alertmanager reads the webhook URL (a Secret key mounted as a file). */
export const ALERT_WEBHOOK_URL_FILE = '/etc/alertmanager/secrets/webhook-url';

/**
 * alertmanager.yml: every alert to the spec's webhook (its URL stays in a Secret), grouped
 * per alert and node, repeated every 12 hours while it lasts, critical alerts silencing the
 * warnings they cause.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function alertmanagerConfig(): Record<string, any> {
  return {
    route: {
      receiver: 'webhook',
      group_by: ['alertname', 'node'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
    },
    receivers: [{ name: 'webhook', webhook_configs: [{ url_file: ALERT_WEBHOOK_URL_FILE, send_resolved: true }] }],
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['node'] }],
  };
}
