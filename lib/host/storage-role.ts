import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { GeneratedFile } from '../output/generated-file';
import { ClusterSpec } from '../spec/schema';
import { backupPlan, backupScript } from '../storage/backup-plan';
import { LocalVolumeDir } from '../storage/local-data-volume';
import { exportsFile } from '../storage/nfs-exports';

export interface StorageRoleProps {
  readonly spec: ClusterSpec;
  /** Folders local volumes use, created with their owner. */
  readonly localVolumeDirs: readonly LocalVolumeDir[];
}

const ROLE = 'host-provisioning/ansible/roles/storage';

/**
 * The Ansible role that serves the datasets to the cluster and backs them up: the kernel NFS
 * server with the generated exports, and (when storage.backup is set) restic with a nightly
 * cron job. The B2 credentials come from the Ansible Vault variable `homelab_restic_env`;
 * they are never written here.
 */
export class StorageRole extends Construct {
  constructor(scope: Construct, id: string, props: StorageRoleProps) {
    super(scope, id);
    const { spec } = props;
    const plan = backupPlan(spec);
    const tasks: object[] = [
      {
        name: 'Install the NFS server',
        'ansible.builtin.apt': { name: ['nfs-kernel-server'], state: 'present', update_cache: true, cache_valid_time: 3600 },
      },
      {
        name: 'Export the datasets to the cluster nodes',
        'ansible.builtin.copy': { src: 'homelab.exports', dest: '/etc/exports.d/homelab.exports', owner: 'root', group: 'root', mode: '0644' },
        notify: 'Reload NFS exports',
      },
      ...props.localVolumeDirs.map((dir) => ({
        name: `Create the local volume folder ${dir.path}`,
        'ansible.builtin.file': { path: dir.path, state: 'directory', owner: String(dir.uid), group: String(dir.uid), mode: '0750' },
        tags: ['zfs'],
      })),
      {
        name: 'Run the NFS server',
        'ansible.builtin.systemd_service': { name: 'nfs-server', enabled: true, state: 'started' },
        tags: ['service'],
      },
    ];
    if (plan) {
      tasks.push(
        {
          name: 'Install restic and cron',
          'ansible.builtin.apt': { name: ['restic', 'cron'], state: 'present' },
        },
        {
          name: 'Create the restic configuration folder',
          'ansible.builtin.file': { path: plan.credentialsFile.replace(/\/[^/]+$/, ''), state: 'directory', owner: 'root', group: 'root', mode: '0700' },
        },
        {
          name: 'Write the B2 credentials from the vault',
          'ansible.builtin.copy': { content: '{{ homelab_restic_env }}', dest: plan.credentialsFile, owner: 'root', group: 'root', mode: '0600' },
          no_log: true,
        },
        {
          name: 'Install the backup script',
          'ansible.builtin.copy': { src: 'homelab-backup', dest: '/usr/local/sbin/homelab-backup', owner: 'root', group: 'root', mode: '0750' },
        },
        {
          name: 'Schedule the nightly backup',
          'ansible.builtin.copy': {
            content: `# Generated from cluster.yaml storage.backup.schedule\nSHELL=/bin/bash\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n${plan.schedule} root /usr/local/sbin/homelab-backup 2>&1 | logger -t homelab-backup\n`,
            dest: '/etc/cron.d/homelab-backup',
            owner: 'root',
            group: 'root',
            mode: '0644',
          },
        },
      );
      new GeneratedFile(this, 'BackupScript', { path: `${ROLE}/files/homelab-backup`, content: backupScript(spec) });
    }
    new GeneratedFile(this, 'Tasks', { path: `${ROLE}/tasks/main.yml`, content: stringify(tasks) });
    new GeneratedFile(this, 'Handlers', {
      path: `${ROLE}/handlers/main.yml`,
      content: stringify([
        { name: 'Reload NFS exports', 'ansible.builtin.command': { cmd: 'exportfs -ra' }, changed_when: true },
      ]),
    });
    new GeneratedFile(this, 'Exports', { path: `${ROLE}/files/homelab.exports`, content: exportsFile(spec) });
  }
}
