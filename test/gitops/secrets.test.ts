import { SecretsCheck } from '../../lib/checks';
import { synthesize } from '../../lib/synth';
import { cluster } from '../analysis/fixtures';
import { defaultSpecText } from '../helpers';
import { synthesized } from '../helpers-render';

const ENCRYPTED = (keys: string[]): string =>
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: grafana-admin',
    '  namespace: observability',
    'stringData:',
    ...keys.map((k) => `  ${k}: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]`),
    'sops:',
    '  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]',
    '  version: 3.9.4',
    '',
  ].join('\n');

describe('SecretsCheck', () => {
  const check = new SecretsCheck();

  test('a fresh clone gets one warning per missing Secret, with the command that creates it', async () => {
    const { warnings } = await synthesized();
    const secrets = warnings.filter((w) => w.check === 'secrets').map((w) => w.message);
    expect(secrets).toContain(
      'Secret vpn/wireguard (private-key, for Deployment/vpn/wireguard) has no secrets/vpn/wireguard.sops.yaml; create it: kubectl create secret generic wireguard -n vpn --from-literal=private-key=... --dry-run=client -o yaml > secrets/vpn/wireguard.sops.yaml && sops --encrypt --in-place secrets/vpn/wireguard.sops.yaml',
    );
    expect(secrets).toHaveLength(5);
  });

  test('an encrypted file with the keys silences its warning', async () => {
    const { warnings } = await synthesize(defaultSpecText(), 'cluster.yaml', {
      secretFiles: new Map([['secrets/observability/grafana-admin.sops.yaml', ENCRYPTED(['password'])]]),
    });
    expect(warnings.filter((w) => w.message.includes('grafana-admin'))).toEqual([]);
  });

  test('fails on an encrypted file that lacks a key a workload reads', async () => {
    await expect(
      synthesize(defaultSpecText(), 'cluster.yaml', {
        secretFiles: new Map([['secrets/observability/grafana-admin.sops.yaml', ENCRYPTED(['user'])]]),
      }),
    ).rejects.toThrow('[secrets] secrets/observability/grafana-admin.sops.yaml: lacks password, which Deployment/observability/grafana reads');
  });

  test('fails on an unencrypted file and on a plaintext value under secrets/', async () => {
    const { cluster: c } = await synthesized();
    const files = new Map([
      ['secrets/vpn/wireguard.yaml', 'kind: Secret\n'],
      ['secrets/observability/grafana-admin.sops.yaml', ENCRYPTED(['password']).replace('  password: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]', '  password: hunter2')],
      ['secrets/observability/alertmanager-webhook.sops.yaml', 'apiVersion: v1\nkind: Secret\nstringData:\n  url: https://ntfy.example/alerts\n'],
    ]);
    const errors = (await check.run(c, { previousFiles: new Map(), allowDataLoss: false, secretFiles: files })).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.message)).toEqual([
      'secrets/vpn/wireguard.yaml: is not an encrypted *.sops.yaml file; nothing under secrets/ may be stored in clear',
      'secrets/observability/grafana-admin.sops.yaml: stringData.password is not encrypted; run: sops --encrypt --in-place secrets/observability/grafana-admin.sops.yaml',
      'secrets/observability/alertmanager-webhook.sops.yaml: is not encrypted (no SOPS metadata); run: sops --encrypt --in-place secrets/observability/alertmanager-webhook.sops.yaml',
    ]);
  });

  test('fails on a plaintext Secret in the output', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops', namespace: 'apps' }, stringData: { password: 'x' } };
    const findings = await check.run(cluster({ file: 'dist/apps/apps/secret-oops.yaml', group: 'apps', manifest: secret }));
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
      'dist/apps/apps/secret-oops.yaml: Secret/apps/oops: a plaintext Secret in the output; reference it and keep it encrypted in secrets/',
    ]);
  });
});
