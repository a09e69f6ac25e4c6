import { k3osImageUrl } from '../host/k3os-configs';
import { SecretReference } from '../secrets/secret-references';
import { ClusterSpec } from '../spec/schema';

/*
 * What `npm run bootstrap` creates, as data: which values each Secret needs and where they
 * come from, the Ansible vault's variables, and the steps it prints per node. Pure: the
 * runner (bootstrap.ts) asks, generates, encrypts and writes.
 */

/** The folder for what only the user may hold (token, keys, vault); gitignored, never generated. */
export const PRIVATE_DIR = 'private';
export const PRIVATE_FILES = {
  k3sToken: `${PRIVATE_DIR}/k3s-token`,
  ageKey: `${PRIVATE_DIR}/age.agekey`,
  vaultPassword: `${PRIVATE_DIR}/vault-password`,
  vault: `${PRIVATE_DIR}/vault.yml`,
  kubeconfig: `${PRIVATE_DIR}/kubeconfig`,
  k3osConfig: (node: string): string => `${PRIVATE_DIR}/k3os/${node}.yaml`,
} as const;

/** The recipient `.sops.yaml` ships with, to be replaced by the user's age public key. */
export const PLACEHOLDER_AGE_RECIPIENT = /^age1replacewithyourpublickey/;

/** A value made on the user's machine where a random one is right. */
export type Generated = 'wireguard-private-key' | 'password';

/** Where one value comes from: generated, or an answer (prompted, or from the answers file). */
export interface Question {
  /** The answer's name, e.g. `alertmanager-webhook/url` (the key in an answers file). */
  readonly answer: string;
  readonly question: string;
  /** Not echoed when typed. */
  readonly hidden: boolean;
}
export type ValueSource = { readonly generate: Generated } | Question;

/** One key of a Secret: its value, or a template filled from several answers. */
export interface SecretKeyPlan {
  readonly key: string;
  readonly parts: Readonly<Record<string, ValueSource>>;
  /** Builds the key's value from its parts' values. */
  readonly render: (values: Readonly<Record<string, string>>) => string;
}

export interface SecretPlan {
  readonly ref: SecretReference;
  readonly keys: readonly SecretKeyPlan[];
}

const single = (key: string, source: ValueSource): SecretKeyPlan => ({ key, parts: { value: source }, render: (v) => v.value });
const ask = (answer: string, question: string, hidden = true): Question => ({ answer, question, hidden });

/**
 * The plan of every Secret the secrets check asks for. Known Secrets get the right kind of
 * value (a WireGuard key and Grafana's password are generated; a webhook URL, tokens and BMC
 * credentials are asked for); any other key is asked for as `<secret>/<key>`.
 */
export function secretPlans(spec: ClusterSpec, refs: readonly SecretReference[]): SecretPlan[] {
  const wg = spec.services.wireguard.privateKeySecret;
  const obs = spec.services.observability;
  const ha = spec.services.homeAssistant?.tokenSecret;
  const tls = spec.services.ingress.tls;
  const known = (name: string, key: string): SecretKeyPlan | undefined => {
    const is = (ref: { name: string; key: string } | undefined): boolean => ref?.name === name && ref.key === key;
    if (is(wg)) return single(key, { generate: 'wireguard-private-key' });
    if (is(obs.grafanaAdminSecret)) return single(key, { generate: 'password' });
    if (is(obs.alertWebhookSecret)) return single(key, ask(`${name}/${key}`, 'Alertmanager webhook URL (an ntfy topic, a chat webhook)', false));
    if (is(ha)) return single(key, ask(`${name}/${key}`, 'Home Assistant long-lived access token'));
    if (tls.issuer === 'acme' && is(tls.dns01.apiTokenSecret)) {
      return single(key, ask(`${name}/${key}`, 'Cloudflare API token with DNS edit rights for the domain'));
    }
    if (is(obs.ipmiConfigSecret)) {
      return {
        key,
        parts: {
          user: ask('ipmi/user', 'BMC (IPMI) user for the exporter (a read-only "user" privilege account)', false),
          password: ask('ipmi/password', 'BMC (IPMI) password of that user'),
        },
        render: (v) =>
          [
            'modules:',
            '  default:',
            `    user: ${JSON.stringify(v.user)}`,
            `    pass: ${JSON.stringify(v.password)}`,
            '    driver: LAN_2_0',
            '    privilege: user',
            '    timeout: 10000',
            '',
          ].join('\n'),
      };
    }
    return undefined;
  };
  return refs.map((ref) => ({
    ref,
    keys: (ref.keys.length > 0 ? ref.keys : ['value']).map(
      (key) => known(ref.name, key) ?? single(key, ask(`${ref.name}/${key}`, `Value of key "${key}" of Secret ${ref.namespace}/${ref.name} (for ${ref.usedBy})`)),
    ),
  }));
}

/** A variable of the Ansible vault and where its value comes from. */
export interface VaultVariable {
  readonly name: string;
  readonly parts: Readonly<Record<string, ValueSource | { readonly file: 'k3sToken' }>>;
  readonly render: (values: Readonly<Record<string, string>>) => string;
}

/** The vault's variables: the k3s token always, the B2 credentials when backups are on. */
export function vaultVariables(spec: ClusterSpec): VaultVariable[] {
  const vars: VaultVariable[] = [{ name: 'homelab_k3s_token', parts: { token: { file: 'k3sToken' } }, render: (v) => v.token }];
  if (spec.storage.backup) {
    vars.push({
      name: 'homelab_restic_env',
      parts: {
        keyId: ask('b2/keyId', `Backblaze B2 application key ID with access to bucket ${spec.storage.backup.bucket}`, false),
        key: ask('b2/applicationKey', 'Backblaze B2 application key'),
        // A new repository gets a generated password; answer restic/password to reuse an existing one.
        password: ask('restic/password', 'restic repository password (Enter to generate one for a new repository)'),
      },
      render: (v) => `AWS_ACCESS_KEY_ID=${v.keyId}\nAWS_SECRET_ACCESS_KEY=${v.key}\nRESTIC_PASSWORD=${v.password}\n`,
    });
  }
  return vars;
}

/** Answers that may be left empty, and what is generated then. */
export const OPTIONAL_ANSWERS: Readonly<Record<string, Generated>> = { 'restic/password': 'password' };

/** A tool on the user's machine: what needs it, whether this run does, and how to get it. */
export interface Prerequisite {
  readonly command: string;
  readonly purpose: string;
  /** Needed by the bootstrap itself (it stops without it), not only by the steps it prints. */
  readonly neededNow: boolean;
  readonly install: string;
}

export function prerequisites(spec: ClusterSpec): Prerequisite[] {
  const hasDebian = spec.nodes.some((n) => n.os === 'debian');
  return [
    { command: 'git', purpose: 'the repository Flux reads', neededNow: true, install: 'your package manager (apt install git)' },
    { command: 'sops', purpose: 'encrypts secrets/', neededNow: true, install: 'a release binary from https://github.com/getsops/sops/releases, or `go install github.com/getsops/sops/v3/cmd/sops@v3.13.3`' },
    { command: 'age-keygen', purpose: 'the age key SOPS encrypts to', neededNow: true, install: 'apt install age (macOS: brew install age)' },
    ...(hasDebian
      ? [
          { command: 'ansible-vault', purpose: 'the vault with the k3s token and backup credentials', neededNow: true, install: 'apt install ansible (or pipx install ansible-core)' },
          { command: 'ansible-playbook', purpose: 'provisions the Debian node(s)', neededNow: false, install: 'apt install ansible (or pipx install ansible-core)' },
        ]
      : []),
    { command: 'ssh', purpose: 'reaches the nodes (Ansible, the kubeconfig)', neededNow: false, install: 'apt install openssh-client' },
    { command: 'kubectl', purpose: 'talks to the cluster', neededNow: false, install: 'https://kubernetes.io/docs/tasks/tools/ (a 1.33 client)' },
    { command: 'flux', purpose: 'the Git deploy key and watching the stages', neededNow: false, install: 'https://fluxcd.io/flux/installation/#install-the-flux-cli' },
  ];
}

/** The per-node steps, in boot order: the control plane first. No secret value appears. */
export function nodeSteps(spec: ClusterSpec): string[] {
  const server = spec.nodes.find((n) => n.role === 'server')!;
  const ordered = [server, ...spec.nodes.filter((n) => n !== server)];
  const lines: string[] = [];
  ordered.forEach((node, i) => {
    lines.push(`${i + 1}. ${node.name} (${node.role}, ${node.os}, ${node.arch}, ${node.ip})`);
    if (node.os === 'k3os') {
      lines.push(
        `   - write ${k3osImageUrl(spec.k3s.k3osRelease!, node.arch)} to its card (Raspberry Pi Imager "use custom", or dd if=${k3osImageUrl(spec.k3s.k3osRelease!, node.arch).split('/').pop()} of=/dev/<card> bs=4M conv=fsync)`,
        `   - mount the card's second partition (ext4, label K3OS_STATE) and copy ${PRIVATE_FILES.k3osConfig(node.name)} to k3os/system/config.yaml on it (it carries the token; the one in host-provisioning/ has a placeholder)`,
        `   - boot it; it comes up as ${node.name} at ${node.ip}${node.role === 'server' ? ', starts k3s, Calico, then Flux and the root sync of this repository' : ' and joins the control plane'}`,
      );
    } else {
      lines.push(
        `   - install Debian bookworm with SSH; create the user from host-provisioning/ansible/inventory.yml (ansible_user) with sudo and one of access.sshAuthorizedKeys; give it the address ${node.ip}`,
        `   - ansible-playbook -i host-provisioning/ansible/inventory.yml host-provisioning/ansible/site.yml --limit ${node.name} -e @${PRIVATE_FILES.vault} --vault-password-file ${PRIVATE_FILES.vaultPassword}`,
      );
    }
  });
  return lines;
}

/** How to reach the cluster and watch it come up. */
export function watchSteps(spec: ClusterSpec): string[] {
  const server = spec.nodes.find((n) => n.role === 'server')!;
  const login = server.os === 'k3os' ? 'rancher' : 'ansible';
  const gitSecret = /^(ssh:\/\/|git@)/.test(spec.git.url)
    ? `flux create secret git flux-system --url=${spec.git.url}  (then add the printed public key as a read-only deploy key)`
    : `flux create secret git flux-system --url=${spec.git.url} --username=<user> --password="$(read -rs -p 'read-only token: ' t; echo "$t")"`;
  return [
    `kubeconfig: ssh ${login}@${server.ip} sudo cat /etc/rancher/k3s/k3s.yaml | sed 's/127.0.0.1/${server.ip}/' > ${PRIVATE_FILES.kubeconfig} && chmod 600 ${PRIVATE_FILES.kubeconfig}`,
    `export KUBECONFIG=$PWD/${PRIVATE_FILES.kubeconfig}; kubectl get nodes -o wide  (every node Ready)`,
    `let Flux read the repository: ${gitSecret}`,
    `give Flux the age key: kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=${PRIVATE_FILES.ageKey}`,
    'commit and push .sops.yaml and secrets/ (encrypted); private/ stays on this machine: back it up offline',
    'watch the stages: flux get kustomizations --watch  (each becomes Ready in dependency order)',
  ];
}
