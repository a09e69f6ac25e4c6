import { PRIORITY_TIERS } from '../k8s/priority-classes';
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** The chart's metrics port (controller and cainjector, `http-metrics`), scraped by Prometheus. */
export const CERT_MANAGER_METRICS_PORT = 9402;

const SMALL = { requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '160Mi' } };

/**
 * cert-manager with its CRDs (kept if the release is ever removed, so certificates survive),
 * small resources for the Pis. Its pods already run as non-root with a read-only root.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function certManagerValues(): Record<string, any> {
  return {
    crds: { enabled: true, keep: true },
    global: { priorityClassName: PRIORITY_TIERS.platform.name },
    resources: SMALL,
    webhook: { resources: SMALL },
    cainjector: { resources: SMALL },
    startupapicheck: { resources: SMALL },
  };
}
