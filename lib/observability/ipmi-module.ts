import { stringifyYaml as stringify } from '../yaml/yaml-memo';

/*
 * What the ipmi_exporter module (in the user's Secret, since it holds the BMC password) must
 * collect for the alerts. Read from ipmi_exporter v1.10.0: without `collectors` it runs only
 * bmc, ipmi, chassis and dcmi (ipmi_remote.yml), so the SEL count and the SEL event matching
 * each need their collector named; `sel-events` counts the SEL entries whose event text matches
 * a regex (collector_sel_events.go: ipmi_sel_events_count_by_name and
 * ipmi_sel_events_latest_timestamp, by `name`). Its `bmc-watchdog` collector runs FreeIPMI's
 * bmc-watchdog with `-h <BMC>` (freeipmi.Execute), an option that in-band-only tool does not
 * have (bookworm's 1.6.10), so it cannot read a BMC over the LAN: the watchdog role reads the
 * timer on the node itself instead (watchdog-role.ts).
 */

/** The module Prometheus asks for (prometheus-config.ts). */
export const IPMI_MODULE = 'default';

export const IPMI_COLLECTORS = ['bmc', 'ipmi', 'chassis', 'sel', 'sel-events'] as const;

/**
 * The SEL event names the alerts match. A BMC watchdog expiry is logged by the "Watchdog 2"
 * sensor with the action taken as its event text (FreeIPMI's ipmi-sel wording).
 */
export const SEL_EVENTS = {
  watchdogReset: { name: 'watchdog_reset', regex: '^(Hard Reset|Power Cycle|Power Down)( ;|$)' },
} as const;

/** The configuration to put in the Secret's `config.yml`, with the two values to fill in. */
export function ipmiExporterConfigTemplate(): string {
  return stringify({
    modules: {
      [IPMI_MODULE]: {
        user: 'BMC_USER',
        pass: 'BMC_PASSWORD',
        driver: 'LAN_2_0',
        privilege: 'user',
        timeout: 10000,
        collectors: [...IPMI_COLLECTORS],
        sel_events: Object.values(SEL_EVENTS).map((e) => ({ name: e.name, regex: e.regex })),
      },
    },
  });
}
