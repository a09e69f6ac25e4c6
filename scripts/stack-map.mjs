// The stack of an internal error in an esbuild bundle, translated to the TypeScript sources
// with the bundle's source map, read only then: the launchers (synth.mjs, bootstrap.mjs) keep
// Node's source maps off, which would read the whole map on every start.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<bundle>:L:C` in a stack -> the TypeScript source and position (the map is read only here). */
export function mapStack(stack, bundle) {
  let map;
  try {
    map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  } catch {
    return stack;
  }
  const mapDir = dirname(bundle);
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return stack.replace(new RegExp(`(?:file://)?${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line, column) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || entry.originalSource === undefined) return whole;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : join(mapDir, entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
