/* Paths on every node that several parts of the cluster agree on. */

/** Where node-exporter's textfile collector reads extra metrics on every node (backups write here). */
export const TEXTFILE_DIR = '/var/lib/prometheus/node-exporter';
