import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';

// GET /hello/{name}: a JSON greeting. Stack traces in the logs point at this file's lines.
export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const name = event.pathParameters?.name ?? 'world';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `Hello, ${name}!`, path: event.rawPath }),
  };
};
