/**
 * A value read from YAML: a rendered manifest, a chart's values, a file of the previous synth.
 * Its shape is whatever its kind says, so it is not typed; this is the one place `any` is
 * written, and code that reads YAML names this type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the YAML boundary
export type Yaml = any;
