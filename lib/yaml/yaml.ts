/**
 * A value read from YAML: a rendered manifest, a chart's values, a file of the previous synth.
 * Its shape is whatever its kind says, so it is not typed; this is the one place `any` is
 * written, and code that reads YAML names this type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the YAML boundary
export type Yaml = any;

/**
 * Freezes a data value and everything in it, and returns it. An object already frozen is taken
 * as frozen through (what this function freezes is), so shared subtrees are walked once.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
