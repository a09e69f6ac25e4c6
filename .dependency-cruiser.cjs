/**
 * The project's layers, checked by dependency-cruiser in `npm test` (test/architecture/).
 *
 *   application   main.ts, bootstrap.ts, scripts/, lib/synth.ts, lib/render.ts
 *   charts        charts/ (one chart per stage, the stage registry)
 *   library       lib/<folder>/, ranked below from the bottom up
 *
 * A module may import from its own layer or a lower one, never from a higher one; no two
 * files import each other (directly or around a loop). The library's folders are ranked so
 * that two folders can never import each other either. `imports/` (generated CRD types)
 * sits under everything.
 */

/** Library folders (and the loose files of lib/), bottom first. */
const LIBRARY = [
  ['errors.ts', 'project-root.ts', 'conventions', 'upstream', 'yaml'], // facts and names every part agrees on, reading and writing YAML
  ['net'], // addresses, the VIP allocator
  ['spec'], // cluster.yaml: schema, rules, loading
  ['images.ts', 'placement'], // the image catalogue, where pods run
  ['stages'], // what a stage is (the registry itself is charts/stages.ts)
  ['output'], // rendered objects, files, findings
  ['lock'], // cluster.lock.yaml: what the cluster keeps between synths
  ['analysis'], // reading rendered objects
  ['k8s'], // namespaces and workloads, secure by default
  ['k3s'],
  ['networking'],
  ['flux'],
  ['ingress'],
  ['storage'],
  ['host'],
  ['observability'],
  ['services'], // the service modules and their registry
  ['upgrades'],
  ['secrets'],
  ['helm'],
  ['plan'],
  ['bootstrap'],
  ['checks'],
  ['report'],
];

const APPLICATION = '^(main\\.ts|bootstrap\\.ts|scripts/|lib/synth\\.ts|lib/render\\.ts)';
const CHARTS = '^charts/';

const libPath = (names) => `^lib/(${names.map((n) => n.replace(/\./g, '\\.')).join('|')})(/|$)`;

const libraryRules = LIBRARY.slice(0, -1).map((rank, i) => ({
  name: `library-up:${rank.join(',')}`,
  comment: `lib/${rank.join(', lib/')} may not import a library part ranked above it (.dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path: libPath(rank) },
  to: { path: libPath(LIBRARY.slice(i + 1).flat()) },
}));

module.exports = {

  forbidden: [
    {
      name: 'no-circular',
      comment: 'two modules import each other, directly or around a loop',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'library-imports-charts',
      comment: 'the library may not import the charts above it',
      severity: 'error',
      from: { path: '^lib/', pathNot: APPLICATION },
      to: { path: CHARTS },
    },
    {
      name: 'below-application',
      comment: 'nothing below the application may import it (lib/synth.ts, lib/render.ts, main.ts, scripts/)',
      severity: 'error',
      from: { path: '^(lib|charts)/', pathNot: APPLICATION },
      to: { path: APPLICATION },
    },
    {
      name: 'unranked-library-part',
      comment: 'every library folder has a rank in .dependency-cruiser.cjs',
      severity: 'error',
      from: {},
      to: { path: '^lib/', pathNot: `${APPLICATION}|${libPath(LIBRARY.flat())}` },
    },
    ...libraryRules,
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|imports)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
