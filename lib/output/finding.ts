/** One thing a check found. Errors stop the synth; warnings are printed in the summary. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  /** The check that found it, e.g. `kubernetes-schema`. */
  readonly check: string;
  /** `file: Kind/namespace/name: field: what is wrong`. */
  readonly message: string;
}
