/**
 * A mistake in the user's input (cluster.yaml, arguments) or a failed check on what it
 * would produce. main.ts prints its problems without a stack trace and exits non-zero;
 * any other error is a bug and keeps its stack.
 */
export class UserError extends Error {
  /** One line per problem: `where: what (value, what is allowed)`. */
  public readonly problems: readonly string[];

  constructor(summary: string, problems: readonly string[] = []) {
    super(problems.length > 0 ? `${summary}\n${problems.map((p) => `  - ${p}`).join('\n')}` : summary);
    this.name = 'UserError';
    this.problems = problems;
  }
}
