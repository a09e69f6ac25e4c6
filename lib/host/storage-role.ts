import { Construct } from 'constructs';
import { ClusterSpec } from '../spec/schema';
import { backupPlan, backupScript } from '../storage/backup-plan';
import { LocalVolumeDir } from '../storage/local-data-volume';
import { exportsFile } from '../storage/nfs-exports';
import { AnsibleRole, AnsibleTask } from './ansible-role';

export interface StorageRoleProps {
  readonly spec: ClusterSpec;
  /** Folders local volumes use, created with their owner. */
  readonly localVolumeDirs: readonly LocalVolumeDir[];
}

/**
 * The Ansible role that serves the datasets to the cluster and backs them up: the kernel NFS
 * server with the generated exports, the folders of local volumes, and (when storage.backup
 * is set) restic with a nightly cron job. The B2 credentials come from the Ansible Vault
 * variable `homelab_restic_env`; they are never written here.
 */
export class StorageRole extends Construct {
  constructor(scope: Construct, id: string, props: StorageRoleProps) {
    super(scope, id);
    const { spec } = props;
    const plan = backupPlan(spec);
    const tasks: AnsibleTask[] = [
      {
        name: 'Install the NFS server',
        'ansible.builtin.apt': { name: ['nfs-kernel-server'], state: 'present' },
      },
      {
        name: 'Create the exports folder',
        'ansible.builtin.file': { path: '/etc/exports.d', state: 'directory', owner: 'root', group: 'root', mode: '0755' },
      },
      {
        name: 'Export the datasets to the cluster nodes',
        'ansible.builtin.copy': { src: 'homelab.exports', dest: '/etc/exports.d/homelab.exports', owner: 'root', group: 'root', mode: '0644' },
        notify: 'Reload NFS exports',
      },
      ...props.localVolumeDirs.map((dir) => ({
        name: `Create the local volume folder ${dir.path}`,
        'ansible.builtin.file': { path: dir.path, state: 'directory', owner: String(dir.uid), group: String(dir.uid), mode: '0750' },
      })),
      {
        name: 'Run the NFS server',
        'ansible.builtin.systemd_service': { name: 'nfs-server', enabled: true, state: 'started' },
        tags: ['service'],
      },
    ];
    const files: Record<string, string> = { 'homelab.exports': exportsFile(spec) };
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
      files['homelab-backup'] = backupScript(spec);
    }
    new AnsibleRole(this, 'Role', {
      name: 'storage',
      tasks,
      handlers: [
        {
          name: 'Reload NFS exports',
          'ansible.builtin.command': { cmd: 'exportfs -ra' },
          changed_when: true,
          when: "'service' not in ansible_skip_tags",
        },
      ],
      files,
    });
  }
}
