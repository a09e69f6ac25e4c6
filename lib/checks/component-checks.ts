import { parseYaml as parse } from '../yaml/yaml-memo';
import { ImageInfo, imageRepository, imageTag } from '../images';
import { imageCatalog } from '../services/registry';
import { HOME_ASSISTANT_METRICS_PATH, HOME_ASSISTANT_PACKAGE } from '../services/home-assistant/home-assistant';
import { RenderedCluster } from '../output/rendered';
import { Check, Finding } from './check';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function podSpecOf(manifest: any): any {
  return manifest.kind === 'CronJob' ? manifest.spec?.jobTemplate?.spec?.template?.spec : manifest.spec?.template?.spec;
}

/**
 * Programs that write at run time get somewhere to write: a container with a read-only root
 * filesystem whose image (lib/images.ts, `writableDirs`) writes to a folder has a writable
 * volume mounted there. Without it the program fails at the first write (the IPMI exporter
 * never collects, and IpmiUnreachable fires with the wrong cause).
 */
export class WritableDirsCheck implements Check {
  public readonly name = 'writable-dirs';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const catalog: Record<string, ImageInfo> = imageCatalog(cluster.spec);
    const messages: string[] = [];
    for (const { file, manifest } of cluster.objects) {
      if (!WORKLOADS.has(manifest.kind)) continue;
      const pod = podSpecOf(manifest);
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const dirs = catalog[imageRepository(c.image ?? '')]?.writableDirs ?? [];
        if (dirs.length === 0 || c.securityContext?.readOnlyRootFilesystem !== true) continue;
        for (const dir of dirs) {
          const mount = (c.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === dir.path || dir.path.startsWith(`${m.mountPath}/`));
          if (!mount || mount.readOnly) {
            messages.push(
              `${file}: container ${c.name} (${imageRepository(c.image)}) writes to ${dir.path} (${dir.why}), but its root filesystem is read-only and ` +
                `${mount ? `${mount.mountPath} is mounted read-only` : 'nothing writable is mounted there'}; mount an emptyDir at ${dir.path}`,
            );
          }
        }
      }
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}

/**
 * Prometheus scrapes Home Assistant's HOME_ASSISTANT_METRICS_PATH, which Home Assistant
 * serves only with the `prometheus:` integration in its configuration. In cluster mode the
 * cluster gives Home Assistant that configuration (a package copied in by an init container):
 * the package must enable the integration and the init container must install it. (In
 * external mode it is the user's configuration; the README says what to add.)
 */
export class HomeAssistantMetricsCheck implements Check {
  public readonly name = 'home-assistant-metrics';

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    if (cluster.spec.services.homeAssistant?.mode !== 'cluster') return [];
    const scraped = cluster.objects.some(
      (o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === 'prometheus-config' && String(o.manifest.data?.['prometheus.yml'] ?? '').includes(`metrics_path: ${HOME_ASSISTANT_METRICS_PATH}`),
    );
    if (!scraped) return [];
    const messages: string[] = [];
    const pkg = cluster.objects.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === HOME_ASSISTANT_PACKAGE.configMap);
    const where = pkg?.file ?? `ConfigMap ${HOME_ASSISTANT_PACKAGE.configMap}`;
    const content = pkg?.manifest.data?.[HOME_ASSISTANT_PACKAGE.file];
    const parsed = typeof content === 'string' ? parse(content) : undefined;
    if (!parsed || typeof parsed !== 'object' || !('prometheus' in parsed)) {
      messages.push(`${where}: Prometheus scrapes Home Assistant's ${HOME_ASSISTANT_METRICS_PATH}, but the configuration the cluster gives it does not enable the prometheus integration; the scrape fails and HomeAssistantDown fires`);
    }
    const deployment = cluster.objects.find((o) => o.manifest.kind === 'Deployment' && o.manifest.metadata.name === 'home-assistant');
    const pod = deployment?.manifest.spec.template.spec;
    const volume = (pod?.volumes ?? []).find((v: { configMap?: { name: string } }) => v.configMap?.name === HOME_ASSISTANT_PACKAGE.configMap)?.name;
    const installs = (pod?.initContainers ?? []).some((c: { volumeMounts?: { name: string }[] }) => (c.volumeMounts ?? []).some((m) => m.name === volume));
    if (deployment && !installs) {
      messages.push(`${deployment.file}: no init container installs ${HOME_ASSISTANT_PACKAGE.configMap} into Home Assistant's configuration, so ${HOME_ASSISTANT_METRICS_PATH} is not served`);
    }
    return messages.map((message) => ({ severity: 'error', check: this.name, message }));
  }
}

/**
 * Every image the project pins runs at the tag whose existence upstream (with an arm64 build)
 * is recorded in the image catalogue (lib/images.ts, `pin`): a tag nobody checked, like
 * `gerbera/gerbera:3.3.0`, which was never released, cannot slip in.
 */
export class PinnedImagesCheck implements Check {
  public readonly name = 'pinned-images';

  /** @param catalog the image catalogue; the cluster's (lib/services/registry.ts) when omitted */
  constructor(private readonly catalog?: Readonly<Record<string, ImageInfo>>) {}

  public async run(cluster: RenderedCluster): Promise<Finding[]> {
    const catalog = this.catalog ?? imageCatalog(cluster.spec);
    const messages = new Set<string>();
    for (const { file, manifest } of cluster.objects) {
      if (!WORKLOADS.has(manifest.kind)) continue;
      const pod = podSpecOf(manifest);
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const pinned = catalog[imageRepository(c.image ?? '')]?.pin;
        if (pinned && imageTag(c.image) !== pinned.tag) {
          messages.add(`${file}: ${c.image} is not the checked pin; the image catalogue has ${pinned.tag} (${pinned.tagSeen}, checked ${pinned.checked}): check the tag upstream and record it in lib/images.ts`);
        }
      }
    }
    return [...messages].map((message) => ({ severity: 'error', check: this.name, message }));
  }
}
