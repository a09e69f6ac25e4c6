import { join } from 'node:path';

/**
 * The project's root folder. This file sits one level below it, as does the bundle that
 * `npm run synth` runs (.build/main.js), so the same expression holds in both.
 */
export const PROJECT_ROOT = join(__dirname, '..');
