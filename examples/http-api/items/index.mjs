// A small JSON API behind three HTTP API routes; one function serves them all and picks
// the operation by event.routeKey (payload format 2.0).
//
// The items live in this instance's memory: a demo store, not a database. Concurrent
// requests can start a second instance (with its own, empty list), and an instance idle
// past the keep-alive is stopped, taking its items with it.
const items = new Map();
let nextId = 1;

const json = (statusCode, body) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function readJson(event) {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = async (event) => {
  switch (event.routeKey) {
    case 'GET /items':
      return json(200, { items: [...items.values()] });
    case 'GET /items/{id}': {
      const item = items.get(event.pathParameters.id);
      return item ? json(200, item) : json(404, { message: `no item ${event.pathParameters.id}` });
    }
    case 'POST /items': {
      const input = readJson(event);
      if (typeof input?.name !== 'string' || input.name.trim() === '') return json(400, { message: 'send {"name": "..."}' });
      const item = {
        id: String(nextId++),
        name: input.name.trim(),
        // What the authorizer returned in `context` arrives here.
        createdBy: event.requestContext.authorizer?.lambda?.user ?? 'anonymous',
        createdAt: new Date().toISOString(),
      };
      items.set(item.id, item);
      return json(201, item);
    }
    default:
      return json(404, { message: 'Not Found' });
  }
};
