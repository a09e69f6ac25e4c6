// Folders of the project and its neighbours, for the test cluster's scripts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** ../shared beside the project: chart archives and CRD bundles. */
export const SHARED = process.env.HOMELAB_SHARED || join(PROJECT_ROOT, '..', 'shared');
