import { parse } from 'yaml';

/*
 * Helm ignores a values key that no template reads, so a typo (`tolerations` as
 * `toleration`) silently leaves the chart's default in place. A key of ours is read when the
 * chart's default values have it, when a template names its path (`.Values.a.b`), or when a
 * template takes an ancestor whole (`toYaml .Values.a`, `with .Values.a`, `range ... .Values.a`):
 * everything else is reported. Keys for a subchart (its name or alias) and `global` belong
 * to the subcharts, which Helm checks against their own values the same way.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Values = Record<string, any>;

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The chart's parts that decide what is read: default values, template text, subchart keys. */
export interface ChartValuesModel {
  readonly defaults: Values;
  readonly templates: string;
  readonly subcharts: ReadonlySet<string>;
}

/** Builds the model from an archive's files (`<chart>/values.yaml`, `<chart>/templates/**`, `<chart>/charts/*`). */
export function chartValuesModel(files: ReadonlyMap<string, Buffer>): ChartValuesModel {
  const root = [...files.keys()].find((p) => /^[^/]+\/Chart\.yaml$/.test(p))?.split('/')[0] ?? '';
  const text = (p: string): string => files.get(p)?.toString('utf8') ?? '';
  const subcharts = new Set<string>(['global']);
  for (const p of files.keys()) {
    const m = new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/charts/([^/]+)/Chart\\.yaml$`).exec(p);
    if (m) subcharts.add(parse(text(p))?.name ?? m[1]);
  }
  for (const dep of parse(text(`${root}/Chart.yaml`))?.dependencies ?? []) {
    subcharts.add(dep.alias ?? dep.name);
  }
  const templates = [...files.keys()]
    .filter((p) => p.startsWith(`${root}/templates/`))
    .map(text)
    .join('\n');
  return { defaults: parse(text(`${root}/values.yaml`)) ?? {}, templates, subcharts };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The paths (`a.b.c`) of `values` that the chart never reads. */
export function unreadValues(model: ChartValuesModel, values: Values): string[] {
  const out: string[] = [];
  const named = (path: string[]): boolean => new RegExp(`\\.Values\\.${path.map(escape).join('\\.')}(?![A-Za-z0-9_])`).test(model.templates);
  const wholesale = (path: string[]): boolean => new RegExp(`\\.Values\\.${path.map(escape).join('\\.')}(?![A-Za-z0-9_.])`).test(model.templates);
  const walk = (path: string[], value: unknown, defaults: unknown): void => {
    if (!isMap(value)) return;
    if (path.length > 0 && wholesale(path)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      if (path.length === 0 && model.subcharts.has(key)) continue;
      const known = isMap(defaults) && key in defaults;
      if (!known && !named(childPath)) {
        out.push(childPath.join('.'));
        continue;
      }
      walk(childPath, child, isMap(defaults) ? defaults[key] : undefined);
    }
  };
  walk([], values, model.defaults);
  return out;
}
