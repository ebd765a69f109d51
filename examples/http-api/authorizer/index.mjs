// A Lambda request authorizer (payload format 2.0, simple responses): a request passes
// when its x-api-token header names a known token. Tokens come from the TOKENS
// environment variable, `user:token` pairs separated by commas (`alice:s3cret,bob:hunter2`).
// What it returns in `context` reaches the protected function in
// event.requestContext.authorizer.lambda. The platform caches each answer for the
// route table's resultTtlInSeconds, so this runs once per token and five minutes.
const users = new Map(
  (process.env.TOKENS ?? '').split(',').filter(Boolean).map((pair) => {
    const [user, token] = pair.split(':');
    return [token, user];
  }),
);

export const handler = async (event) => {
  const [token] = event.identitySource; // the values of the identity sources, in order
  const user = users.get(token);
  console.log(`authorizing ${event.routeArn}: ${user === undefined ? 'unknown token' : `user ${user}`}`);
  return { isAuthorized: user !== undefined, context: { user: user ?? null } };
};
