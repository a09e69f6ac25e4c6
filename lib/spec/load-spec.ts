import { Document, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors';
import { rememberYamlData } from '../yaml/yaml-memo';
import { deepFreeze } from '../yaml/yaml';
import { crossFieldProblems } from './cross-field-rules';
import { ClusterSpec, clusterSchema } from './schema';

/** What cluster.yaml is: its whole schema and the rules that relate its fields. */
export interface SpecDefinition {
  readonly schema: z.ZodType;
  readonly problems: (spec: ClusterSpec) => string[];
}

/** The core of cluster.yaml, without the sections the service modules add (lib/services/registry.ts has the whole). */
export const CORE_SPEC: SpecDefinition = { schema: clusterSchema, problems: (spec) => crossFieldProblems(spec) };

/**
 * Parses and validates the text of a cluster description. Pure: the caller reads the file.
 * Throws one UserError listing every problem; structural problems are reported first, and
 * the cross-field rules run once the structure is valid.
 *
 * @param text the YAML text
 * @param source the file name, for messages
 * @param definition the schema and rules (lib/services/registry.ts: CLUSTER_SPEC)
 */
export function loadSpecWith(text: string, source: string, definition: SpecDefinition): ClusterSpec {
  const shape = shapeProblem(text);
  if (shape) {
    throw new UserError(`${source} is not a cluster description: ${shape}`);
  }
  // a text parsed without a problem before is not parsed again (lib/yaml/yaml-memo.ts)
  const raw = rememberYamlData('cluster-description', text, () => parseYamlText(text, source));
  const parsed = definition.schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, MAX_REPORTED).flatMap((issue) => describeIssue(issue, raw, definition.schema));
    if (issues.length > MAX_REPORTED) {
      shown.push(`… and ${issues.length - MAX_REPORTED} more`);
    }
    throw new UserError(`${source} has ${plural(issues.length, 'problem')}:`, shown);
  }
  const spec = deepFreeze(parsed.data) as ClusterSpec;
  const problems = definition.problems(spec);
  if (problems.length > 0) {
    throw new UserError(`${source} has ${plural(problems.length, 'problem')}:`, problems);
  }
  return spec;
}

/** The data of the YAML text; a UserError for invalid YAML, duplicate keys or an alias bomb. */
function parseYamlText(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  // Duplicate keys are found below in one pass; the parser's own check compares every pair.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true, lineCounter });
  const errors = [...doc.errors.map((e) => e.message.split('\n')[0].replace(/:$/, '')), ...duplicateKeys(doc, lineCounter)];
  if (errors.length > 0) {
    throw new UserError(`${source} is not valid YAML:`, errors);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (e) {
    if (e instanceof ReferenceError) {
      throw new UserError(
        `${source} is not a cluster description: its YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?); write the repeated parts out or use fewer aliases`,
      );
    }
    throw e;
  }
}

/** How far YAML aliases may expand (the yaml library's measure); its default, 100, refuses an anchor used 101 times. */
export const MAX_ALIAS_EXPANSION = 10_000;
/** Nesting deeper than this is no cluster description (the shipped one nests 6 deep). */
export const MAX_DEPTH = 64;
/** Problems listed one by one; the rest are counted. */
const MAX_REPORTED = 200;

/**
 * A cheap look at the text before the parser sees it: refuses nesting that would make the
 * parser recurse for seconds (thousands of "[" or indentation levels).
 */
function shapeProblem(text: string): string | undefined {
  let flow = 0;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (indent > MAX_DEPTH * 4) {
      return `a line is indented ${indent} columns deep; at most ${MAX_DEPTH * 4} are accepted`;
    }
    let quote: string | undefined;
    for (let i = indent; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '#' && (i === 0 || line[i - 1] === ' ')) {
        break;
      } else if (c === '[' || c === '{') {
        if (++flow > MAX_DEPTH) {
          return `flow collections ("[", "{") nest more than ${MAX_DEPTH} deep`;
        }
      } else if (c === ']' || c === '}') {
        flow = Math.max(0, flow - 1);
      }
    }
  }
  return undefined;
}

/** Keys repeated in one mapping, in the parser's words and positions; one pass over each mapping. */
function duplicateKeys(doc: Document, lineCounter: LineCounter): string[] {
  const problems: string[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const id = isScalar(key) ? `${typeof key.value}:${String(key.value)}` : key === null ? 'null:' : undefined;
        if (id === undefined) continue;
        if (seen.has(id)) {
          const at = isScalar(key) && key.range ? lineCounter.linePos(key.range[0]) : undefined;
          problems.push(`Map keys must be unique${at ? ` at line ${at.line}, column ${at.col}` : ''}`);
        }
        seen.add(id);
      }
    },
  });
  return problems;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `nodes[1].hardware.cpuCores` from `['nodes', 1, 'hardware', 'cpuCores']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`))
    .join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `a list of ${value.length}`;
  }
  if (value !== null && typeof value === 'object') {
    return 'an object';
  }
  return String(value);
}

/** The field names a strict object at `path` of the schema allows. */
function allowedKeys(root: z.core.$ZodType, path: readonly PropertyKey[], raw: unknown): string[] {
  let schema: z.core.$ZodType | undefined = root;
  let here: unknown = raw;
  for (const key of [...path, undefined]) {
    while (schema && ['optional', 'default', 'pipe', 'union'].includes(schema._zod.def.type)) {
      const def = schema._zod.def as unknown as {
        innerType?: z.core.$ZodType;
        in?: z.core.$ZodType;
        options?: z.core.$ZodType[];
        discriminator?: string;
      };
      // A discriminated union: the option the value's discriminator names.
      schema = def.options
        ? def.options.find((o) => {
            const tag = (o._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape?.[def.discriminator ?? ''];
            const wanted = (tag?._zod.def as { values?: unknown[] } | undefined)?.values;
            return wanted !== undefined && here !== null && typeof here === 'object' && wanted.includes((here as Record<string, unknown>)[def.discriminator ?? '']);
          })
        : (def.innerType ?? def.in);
    }
    if (key === undefined || !schema) {
      break;
    }
    const def = schema._zod.def as unknown as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    schema = def.type === 'array' ? def.element : def.shape?.[String(key)];
    here = here !== null && typeof here === 'object' ? (here as Record<string, unknown>)[String(key)] : undefined;
  }
  const shape = (schema?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape).filter((k) => k !== '$schema') : [];
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, root: z.core.$ZodType): string[] {
  const where = formatPath(issue.path) || '(top level)';
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map(
        (key) =>
          `${formatPath([...issue.path, key])}: unknown field; allowed here: ${allowedKeys(root, issue.path, raw).join(', ')}`,
      );
    case 'invalid_type':
      return value === undefined
        ? [`${where}: is required (${issue.expected})`]
        : [`${where}: ${show(value)} is not allowed; expected ${issue.expected}`];
    case 'invalid_value':
      return [`${where}: ${show(value)} is not allowed; expected one of ${issue.values.map((v) => show(v)).join(', ')}`];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      return [`${where}: ${show(value)} is not allowed; must be ${word} ${String(bound)}${unit}`];
    }
    default:
      return [`${where}: ${show(value)} ${issue.message}`];
  }
}
