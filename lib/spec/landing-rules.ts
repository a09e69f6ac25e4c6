import { Ipv4Range, numberToIpv4 } from '../net/ipv4';
import { cronProblem } from './cron';
import { ClusterSpec } from './schema';

/*
 * Every accepted value valid where it lands: each rule names the program or object that
 * receives the value (a Kubernetes Service, cron, sgdisk, the kernel's WireGuard) and holds
 * the value to that receiver's own rule, so nothing the synth accepts is refused later.
 */

/** RFC 1035 label: what a Service name must be (it starts with a letter). */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** An IANA service name: what a container or Service port name must be (Kubernetes IsValidPortName). */
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** A C identifier: the environment variable names every shell and runtime accepts. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Secret's data key (Kubernetes IsConfigMapKey). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** A label name, and a label value (Kubernetes qualified names, without the prefix). */
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Environment variable names whose value is a secret; they must come from a Secret. */
const SECRET_ENV_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** A GPT partition name is 36 UTF-16 code units (UEFI specification, GPT partition entry). */
const GPT_NAME_MAX = 36;
/** Names ZFS reserves for vdev types, which `zpool create` refuses as pool names. */
const ZFS_RESERVED_POOL = /^(mirror|raidz[0-9]*|draid[0-9]*|spare|log|cache|special|dedup)$/;
/** The range OpenZFS 2.2+ accepts for recordsize (a power of two; above 1M needs large_blocks, on by default). */
const RECORDSIZE_MIN = 512;
const RECORDSIZE_MAX = 16 * 1024 * 1024;

export function landingProblems(spec: ClusterSpec): string[] {
  return [
    ...gameRules(spec),
    ...labelRules(spec),
    ...secretKeyRules(spec),
    ...timezoneRules(spec),
    ...storageLandingRules(spec),
    ...addressLandingRules(spec),
    ...wireguardRules(spec),
    ...gitRules(spec),
    ...ingressRules(spec),
  ];
}

function gameRules(spec: ClusterSpec): string[] {
  const problems: string[] = [];
  spec.services.games.forEach((game, i) => {
    const path = `services.games[${i}]`;
    if (!DNS_1035_LABEL.test(game.name)) {
      problems.push(
        `${path}.name: "${game.name}" becomes a Service name, which must start with a letter (RFC 1035: a-z, then a-z, 0-9, "-"); ` +
          `try "${/^[0-9]/.test(game.name) ? `game-${game.name}` : game.name.replace(/^[^a-z]+/, '')}"`,
      );
    }
    game.ports.forEach((port, j) => {
      if (!PORT_NAME.test(port.name) || !/[a-z]/.test(port.name) || port.name.includes('--')) {
        problems.push(
          `${path}.ports[${j}].name: "${port.name}" is not a Kubernetes port name (at most 15 of a-z, 0-9, "-"; at least one letter; no "--"; not starting or ending with "-")`,
        );
      }
    });
    for (const [name, value] of Object.entries(game.env)) {
      if (!ENV_NAME.test(name)) {
        problems.push(`${path}.env.${name}: is not an environment variable name (a letter or "_", then letters, digits, "_")`);
      }
      if (typeof value === 'string' && SECRET_ENV_NAME.test(name)) {
        problems.push(
          `${path}.env.${name}: a secret in cluster.yaml would be committed in dist/; reference a Secret instead: ` +
            `${name}: { secretKeyRef: { name: ${game.name}, key: ${name.toLowerCase().replace(/_/g, '-')} } } (and create it in secrets/, see README)`,
        );
      }
    }
  });
  return problems;
}

/** A label key (`prefix/name` or `name`) and value as the API server checks them, or the reason it refuses. */
export function labelProblem(key: string, value: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) {
    return `the prefix "${prefix}" is not a DNS subdomain (lower-case, dots between labels, at most 253 characters)`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return `"${name}" is not a label name (at most 63 of A-Z, a-z, 0-9, "-", "_", ".", starting and ending alphanumeric)`;
  }
  if (value !== '' && (value.length > 63 || !LABEL_NAME.test(value))) {
    return `the value "${value}" is not a label value (empty, or at most 63 of A-Z, a-z, 0-9, "-", "_", ".", starting and ending alphanumeric)`;
  }
  return undefined;
}

function labelRules(spec: ClusterSpec): string[] {
  const problems: string[] = [];
  spec.nodes.forEach((node, i) => {
    for (const [key, value] of Object.entries(node.labels)) {
      const problem = labelProblem(key, value);
      if (problem) {
        problems.push(`nodes[${i}].labels.${key}: ${problem}`);
        continue;
      }
      // The kubelet may only set its own labels in these namespaces (NodeRestriction).
      const prefix = key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '';
      if (/(^|\.)(kubernetes\.io|k8s\.io)$/.test(prefix) && !/(^|\.)(node|kubelet)\.kubernetes\.io$/.test(prefix)) {
        problems.push(
          `nodes[${i}].labels.${key}: the kubelet may not set labels under ${prefix}/ (NodeRestriction); use your own prefix, e.g. homelab.dev/`,
        );
      }
    }
  });
  return problems;
}

/** Every Secret key the spec names, with its path. */
function secretKeyRefs(spec: ClusterSpec): [string, string][] {
  const refs: [string, string][] = [['services.wireguard.privateKeySecret.key', spec.services.wireguard.privateKeySecret.key]];
  const o = spec.services.observability;
  refs.push(
    ['services.observability.alertWebhookSecret.key', o.alertWebhookSecret.key],
    ['services.observability.grafanaAdminSecret.key', o.grafanaAdminSecret.key],
    ['services.observability.ipmiConfigSecret.key', o.ipmiConfigSecret.key],
  );
  if (spec.services.homeAssistant) {
    refs.push(['services.homeAssistant.tokenSecret.key', spec.services.homeAssistant.tokenSecret.key]);
  }
  const tls = spec.services.ingress.tls;
  if (tls.issuer === 'acme') {
    refs.push(['services.ingress.tls.dns01.apiTokenSecret.key', tls.dns01.apiTokenSecret.key]);
  }
  spec.services.games.forEach((game, i) => {
    for (const [name, value] of Object.entries(game.env)) {
      if (typeof value !== 'string') {
        refs.push([`services.games[${i}].env.${name}.secretKeyRef.key`, value.secretKeyRef.key]);
      }
    }
  });
  return refs;
}

function secretKeyRules(spec: ClusterSpec): string[] {
  return secretKeyRefs(spec)
    .filter(([, key]) => key.length > 253 || !SECRET_KEY.test(key))
    .map(([path, key]) => `${path}: "${key}" is not a Secret key (at most 253 of A-Z, a-z, 0-9, "-", "_", ".")`);
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * The zone must exist in the IANA database, spelled as it is there: Debian's tzdata, k3OS and
 * Kubernetes CronJobs look it up as a file name, so "europe/berlin" that ICU forgives fails there.
 */
export function timezoneProblem(zone: string): string | undefined {
  // A canonical name is in ICU's list, which it gives without building a formatter (which loads
  // its zone data: 20 to 50 ms of a warm synth); every listed name passes both tests below.
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(zone)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return `"${zone}" is not an IANA time zone (such as Europe/Berlin, America/New_York or Etc/UTC)`;
  }
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(zone)) {
    return `"${zone}" is not spelled as in the IANA time zone database; did you mean ${resolved}?`;
  }
  return undefined;
}

function timezoneRules(spec: ClusterSpec): string[] {
  const problem = timezoneProblem(spec.timezone);
  return problem ? [`timezone: ${problem}`] : [];
}

function storageLandingRules(spec: ClusterSpec): string[] {
  const problems: string[] = [];
  spec.storage.pools.forEach((pool, i) => {
    if (ZFS_RESERVED_POOL.test(pool.name) || /^c[0-9]/.test(pool.name)) {
      problems.push(`storage.pools[${i}].name: "${pool.name}" is reserved by ZFS (vdev types, and names starting with c and a digit)`);
    }
    if (pool.nvme) {
      const longest = `homelab-${pool.nvme.l2arcGiB > 0 ? 'l2arc' : 'slog'}-${pool.name}-${pool.nvme.devices.length - 1}`;
      if (longest.length > GPT_NAME_MAX) {
        problems.push(
          `storage.pools[${i}].name: "${pool.name}" makes the NVMe partition label "${longest}" (${longest.length} characters); ` +
            `a GPT partition name holds at most ${GPT_NAME_MAX}, so the pool name may have at most ${pool.name.length - (longest.length - GPT_NAME_MAX)}`,
        );
      }
    }
  });
  spec.storage.datasets.forEach((dataset, i) => {
    const bytes = recordsizeBytes(dataset.recordsize);
    if (bytes === undefined || bytes < RECORDSIZE_MIN || bytes > RECORDSIZE_MAX || (bytes & (bytes - 1)) !== 0) {
      problems.push(
        `storage.datasets[${i}].recordsize: "${dataset.recordsize}" is not a ZFS recordsize; it must be a power of two from 512 to 16M, such as 16K, 128K or 1M`,
      );
    }
  });
  const backup = spec.storage.backup;
  if (backup) {
    const problem = cronProblem(backup.schedule);
    if (problem) {
      problems.push(`storage.backup.schedule: "${backup.schedule}" is written to /etc/cron.d, and cron would ${problem}`);
    }
  }
  return problems;
}

function recordsizeBytes(text: string): number | undefined {
  const m = /^(\d+)([KM]?)$/.exec(text);
  return m ? Number(m[1]) * (m[2] === 'K' ? 1024 : m[2] === 'M' ? 1024 * 1024 : 1) : undefined;
}

function addressLandingRules(spec: ClusterSpec): string[] {
  const lan = Ipv4Range.fromCidr(spec.network.lan.cidr);
  if (lan.size < 4) {
    return [];
  }
  const network = numberToIpv4(lan.first);
  const broadcast = numberToIpv4(lan.last);
  const problems: string[] = [];
  const addresses: [string, string][] = [['network.lan.gateway', spec.network.lan.gateway]];
  spec.nodes.forEach((n, i) => {
    addresses.push([`nodes[${i}].ip`, n.ip]);
    if (n.ipmi) addresses.push([`nodes[${i}].ipmi.address`, n.ipmi.address]);
  });
  for (const [path, address] of addresses) {
    if (address === network || address === broadcast) {
      problems.push(
        `${path}: ${address} is the ${address === network ? 'network' : 'broadcast'} address of network.lan.cidr ${lan}; a host needs an address between ${numberToIpv4(lan.first + 1)} and ${numberToIpv4(lan.last - 1)}`,
      );
    }
  }
  return problems;
}

function wireguardRules(spec: ClusterSpec): string[] {
  const wg = spec.services.wireguard;
  if (!wg.enabled) {
    return [];
  }
  const tunnel = Ipv4Range.fromCidr(wg.tunnelCidr);
  const server = numberToIpv4(tunnel.first + 1);
  const problems: string[] = [];
  // Sorted by first address, each range overlaps an earlier one exactly when it starts at or
  // before the furthest end seen so far: one pass, for any number of peers.
  const peers = wg.peers
    .map((peer, i) => ({ i, range: Ipv4Range.fromCidr(peer.address) }))
    .sort((a, b) => a.range.first - b.range.first || a.i - b.i);
  let furthest: { i: number; range: Ipv4Range } | undefined;
  for (const peer of peers) {
    const path = `services.wireguard.peers[${peer.i}].address`;
    if (peer.range.contains(server)) {
      problems.push(`${path}: ${peer.range} contains the server's tunnel address ${server}; give the peer another address in ${tunnel}`);
    }
    if (furthest && peer.range.first <= furthest.range.last && peer.range.text !== furthest.range.text) {
      problems.push(
        `${path}: ${peer.range} overlaps services.wireguard.peers[${furthest.i}].address ${furthest.range}; WireGuard routes each address to one peer`,
      );
    }
    if (!furthest || peer.range.last > furthest.range.last) {
      furthest = peer;
    }
  }
  problems.sort();
  return problems;
}

function gitRules(spec: ClusterSpec): string[] {
  let url: URL;
  try {
    url = new URL(spec.git.url);
  } catch {
    return [`git.url: "${spec.git.url}" is not a URL`];
  }
  const credential = url.password !== '' || (url.protocol === 'https:' && url.username !== '');
  if (!credential) {
    return [];
  }
  url.username = url.username ? '***' : '';
  url.password = url.password ? '***' : '';
  return [
    `git.url: ${url.toString()} carries credentials, which would be committed in flux/ and the k3OS configs; ` +
      'use the URL without them and give Flux a deploy key: an ssh:// URL and `flux create secret git flux-system --url=<git.url>` ' +
      '(see README, Bootstrapping), or for https a Secret flux-system with username and password',
  ];
}

/** The stages that serve through ingress need it. */
function ingressRules(spec: ClusterSpec): string[] {
  if (spec.services.ingress.enabled || !spec.services.observability.enabled) {
    return [];
  }
  return [
    `services.ingress.enabled: false, but services.observability is enabled and serves Grafana through ingress (https://grafana.${spec.domain}); ` +
      'keep ingress enabled, or set services.observability.enabled: false',
  ];
}
