// `nimbus app delete`: removes everything the app's last deploy created, triggers first,
// then forgets its state. Buckets are removed only when empty, as CloudFormation does.
import { accountOf, emptyModel, type DeployContext } from './app-model.js';
import { AppError } from './app-error.js';
import { applyPlan } from './apply.js';
import { planApp, type Plan } from './plan.js';
import { connectPlatform, type PlatformTarget } from './platform.js';
import { forgetAppliedState, loadAppliedState } from './state-store.js';

export async function deleteApp(app: string, target: PlatformTarget, progress?: (line: string) => void): Promise<Plan> {
  const platform = connectPlatform(target);
  try {
    const previous = await loadAppliedState(platform, app);
    if (previous === undefined) throw new AppError([`no app named ${app} was deployed to ${target.endpoint}`]);
    const plan = planApp(previous, emptyModel(app));
    const ctx: DeployContext = { app, endpoint: target.endpoint, region: target.region, accountId: accountOf(target.credentials.accessKeyId), baseDir: '.', parameterOverrides: {} };
    await applyPlan({ platform, ctx, plan, previous, desired: emptyModel(app), zips: new Map(), progress });
    await forgetAppliedState(platform, app);
    return plan;
  } finally {
    platform.destroy();
  }
}
