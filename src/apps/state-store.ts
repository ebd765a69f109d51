// The app's last applied state lives on the platform itself, as one JSON object per app in
// the S3 bucket `nimbus-apps` (key `<app>/state.json`): every machine deploying to the same
// platform sees it, it survives restarts like any object, and it needs no private API.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { AppModel } from './app-model.js';
import type { AppPlatform } from './platform.js';

export const STATE_BUCKET = 'nimbus-apps';

const stateKey = (app: string): string => `${app}/state.json`;

interface StoredState { readonly version: 1; readonly appliedAt: string; readonly model: AppModel }

export async function loadAppliedState(platform: AppPlatform, app: string): Promise<AppModel | undefined> {
  try {
    const out = await platform.s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: stateKey(app) }));
    const state = JSON.parse(await out.Body?.transformToString('utf8') ?? '{}') as StoredState;
    return state.model;
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey' || (err as Error).name === 'NoSuchBucket') return undefined;
    throw err;
  }
}

export async function saveAppliedState(platform: AppPlatform, model: AppModel): Promise<void> {
  await platform.s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET })).catch((err: Error) => {
    if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
  });
  const state: StoredState = { version: 1, appliedAt: new Date().toISOString(), model };
  await platform.s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: stateKey(model.app), Body: JSON.stringify(state, null, 2), ContentType: 'application/json' }));
}

export async function forgetAppliedState(platform: AppPlatform, app: string): Promise<void> {
  await platform.s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: stateKey(app) }));
}
