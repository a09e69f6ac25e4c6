import { ClusterSpec } from '../spec/schema';
import { PORTS } from './constants';

/** Loki as one binary on the filesystem of its claim, keeping logs as long as metrics. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lokiConfig(spec: ClusterSpec): Record<string, any> {
  return {
    auth_enabled: false,
    server: { http_listen_port: PORTS.loki, grpc_listen_port: 9095, log_level: 'warn' },
    common: {
      path_prefix: '/var/loki',
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: '/var/loki/chunks', rules_directory: '/var/loki/rules' } },
    },
    schema_config: {
      configs: [{ from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    limits_config: {
      retention_period: `${spec.services.observability.retentionDays * 24}h`,
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
    },
    compactor: { working_directory: '/var/loki/compactor', retention_enabled: true, delete_request_store: 'filesystem' },
    analytics: { reporting_enabled: false },
  };
}
