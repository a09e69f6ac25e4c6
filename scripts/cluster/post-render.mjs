#!/usr/bin/env node
// Helm post-renderer of the test cluster (helm --post-renderer): the chart's objects less
// those whose server would run in a simulated pod (webhooks.mjs). Each removal is appended
// as one line to $CLUSTER_REMOVED, and the boot reports it.
import { appendFileSync, readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { withoutPodServers } from './webhooks.mjs';

const all = parseAllDocuments(readFileSync(0, 'utf8'))
  .map((d) => d.toJS())
  .filter((o) => o && typeof o === 'object');
const { objects, removed } = withoutPodServers(all);
if (process.env.CLUSTER_REMOVED && removed.length) appendFileSync(process.env.CLUSTER_REMOVED, `${removed.join('\n')}\n`);
process.stdout.write(objects.map((o) => stringify(o)).join('---\n'));
