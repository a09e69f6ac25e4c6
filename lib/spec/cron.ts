/*
 * The schedule grammar of cron.d as Debian's cron (Vixie cron 3.0) reads it: five fields,
 * each a `*`, a number, a range `a-b`, any of those with a step `/n`, or a comma list of
 * them; months and weekdays also by their three-letter English names; weekday 7 is Sunday.
 * An out-of-range value makes cron skip the line with only a syslog message, so the spec
 * refuses it here.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** Why cron would not run `schedule` as meant, or undefined when it is valid. */
export function cronProblem(schedule: string): string | undefined {
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) {
    return `need exactly 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  }
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem) {
      return `refuse the ${FIELDS[i].name} field "${parts[i]}": ${problem}`;
    }
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  for (const item of text.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === '') {
      return 'it is not "*", a value, a range "a-b" or a list of them, with an optional "/step"';
    }
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > field.max)) {
      return `the step "${step}" must be a number from 1 to ${field.max}`;
    }
    if (range === '*') {
      continue;
    }
    const ends = range.split('-');
    if (ends.length > 2) {
      return `"${range}" is not a value or a range "a-b"`;
    }
    const values = ends.map((e) => value(e, field));
    if (values.some((v) => v === undefined)) {
      const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
      return `values run from ${field.min} to ${field.max}${names}`;
    }
    if (values.length === 2 && values[0]! > values[1]!) {
      return `the range "${range}" runs backwards`;
    }
  }
  return undefined;
}

function value(text: string, field: Field): number | undefined {
  const byName = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (byName >= 0) {
    return byName + (field.name === 'month' ? 1 : 0);
  }
  if (!/^\d+$/.test(text)) {
    return undefined;
  }
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
