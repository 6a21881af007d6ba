import { existsSync } from 'node:fs';

/**
 * debianToolMissing says why a Debian program some tests drive (chromium, promtool, pgbouncer)
 * cannot run here, or undefined when it can. In CI, where .ci/run installs its package, a
 * missing program is an error rather than a reason to skip.
 */
export function debianToolMissing(
  program: string,
  debianPackage: string,
  skipped: string,
): string | undefined {
  if (existsSync(program)) return undefined;
  if (process.env.CI)
    throw new Error(
      `${program} is missing: .ci/run should have installed Debian's ${debianPackage}`,
    );
  return `${program} is not installed (apt-get install ${debianPackage}); skipping ${skipped}`;
}
