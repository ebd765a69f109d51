// Invokes the app's function on a running Nimbus (`npx nimbus dev`) with the AWS SDK.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

export function clientConfig() {
  return {
    endpoint: process.env.NIMBUS_ENDPOINT ?? 'http://127.0.0.1:9000',
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

export async function invokeFunction(event, name = process.env.FUNCTION_NAME ?? '__FUNCTION__') {
  const lambda = new LambdaClient(clientConfig());
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
    const text = Buffer.from(out.Payload ?? []).toString();
    if (out.FunctionError) throw new Error(`${name} failed: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  } finally {
    lambda.destroy();
  }
}
