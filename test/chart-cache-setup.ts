// jest globalSetup: the tests render every pinned chart with the pinned Helm CLI, so they
// never run without the chart cache. Fails the whole run, naming the command that fills it.
import { existsSync } from 'node:fs';
import { cacheLayout, ChartCacheError, FILL_COMMAND, helmBinaryPath, readChartArchive, verifyChartArchive } from '../lib/helm/chart-cache';
import { PINNED_CHARTS } from '../lib/upstream/charts';

export default async function chartCacheSetup(): Promise<void> {
  const layout = cacheLayout();
  const problems: string[] = [];
  if (!existsSync(helmBinaryPath(layout))) problems.push(`${helmBinaryPath(layout)} is missing`);
  for (const source of PINNED_CHARTS) {
    try {
      verifyChartArchive(readChartArchive(source, layout));
    } catch (e) {
      if (!(e instanceof ChartCacheError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) {
    throw new Error(`the tests need the chart cache: ${problems.join('; ')}; run ${FILL_COMMAND} first`);
  }
}
