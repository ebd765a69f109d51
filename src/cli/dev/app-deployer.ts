// The dev loop's deploy of an app directory (SAM template or serverless.yml) through
// src/apps, as `nimbus app deploy` does, but with TypeScript handlers bundled: the apps
// code zips each CodeUri without knowing its handler, so every .ts file without a .js
// twin is bundled (zipWithTypeScript). Each reload is a diff: only what changed is applied.
import { AppError } from '../../apps/app-error.js';
import { ApplyError } from '../../apps/apply.js';
import { deployApp } from '../../apps/deploy-app.js';
import { describeChange } from '../../apps/plan.js';
import { zipWithTypeScript } from '../bundle/index.js';
import { CliError } from '../command.js';

export async function deployDevApp(dir: string, endpoint: string, region: string, progress: (line: string) => void): Promise<string> {
  try {
    const { plan } = await deployApp({
      template: dir, target: { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }, zipDirectory: zipWithTypeScript, progress,
    });
    return `app ${plan.app}${plan.changes.length === 0 ? ' (no changes)' : `: ${plan.changes.map(describeChange).join(', ')}`}`;
  } catch (err) {
    if (err instanceof AppError || err instanceof ApplyError) throw new CliError(err.message);
    throw err;
  }
}
