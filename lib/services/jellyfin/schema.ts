import { z } from 'zod';
import { dnsLabel } from '../../spec/primitives';

/** `services.jellyfin` of cluster.yaml. */
export const jellyfinSchema = z
  .object({
    enabled: z.boolean().default(true),
    hostname: dnsLabel.default('jellyfin').describe('Served at https://<hostname>.<domain>.'),
    mediaDataset: dnsLabel.default('media').describe('The storage dataset served, read-only (the one DLNA serves, usually).'),
    configDataset: dnsLabel
      .default('apps')
      .describe('The storage dataset that holds its configuration and library database, in a folder on the storage node (SQLite does not belong on NFS).'),
    configSizeGiB: z.number().int().min(1).max(1024).default(10),
    cacheSizeGiB: z.number().int().min(1).max(1024).default(8).describe('Scratch space for transcodes and images, lost on restart.'),
    memoryLimitMiB: z.number().int().min(512).max(65536).default(2048).describe('Transcoding needs more than browsing.'),
  })
  .strict()
  .describe('Jellyfin, a media server with a web UI, beside DLNA: pinned to the storage node, the media read-only.');

export type JellyfinSpec = z.output<typeof jellyfinSchema>;
