import { spawnSync } from 'node:child_process';

/*
 * The real programs that read the generated files, as Debian ships them (.ci/run installs
 * them). These tests run as their own jest project (`npm run test:programs`, run by .ci/run
 * after `npm test`): they are slower, need root for mount namespaces, and must fail, not skip,
 * when a program is missing.
 */

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Run {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', env: { ...process.env, ...options.env }, cwd: options.cwd, input: options.input });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (install it: see .ci/run)`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a bash script in a private mount namespace (mounts made there vanish with it). */
export function inMountNamespace(script: string, env: NodeJS.ProcessEnv = {}): Run {
  return run('unshare', ['--mount', '--propagation', 'private', 'bash', '-euo', 'pipefail', '-c', script], { env });
}

/** Fails with the install hint when a program is not installed. */
export function requireProgram(name: string, debianPackage: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
    throw new Error(`${name} is not installed: apt-get install ${debianPackage} (.ci/run does)`);
  }
}
