// TagResource / UntagResource / ListTags on function ARNs (lambda-reference §1.6).
import type { FunctionService } from '../../control/functions/function-service.js';
import { NimbusError } from '../../errors.js';
import type { Route } from '../http/types.js';
import { resolveFunctionRef } from './function-ref.js';
import { parseBody, tagResourceBody } from './wire.js';

function functionOfResource(req: Parameters<Route['handle']>[0]) {
  const ref = resolveFunctionRef(req, 'Resource');
  if (ref.qualifier !== undefined) {
    throw new NimbusError('InvalidParameterValueException', 'Tags on function aliases and versions are not supported. Please specify a function ARN.');
  }
  return ref.key;
}

export function tagRoutes(functions: FunctionService): Route[] {
  return [
    {
      method: 'GET', path: '/2017-03-31/tags/:Resource', maxBodyBytes: 0,
      async handle(req) {
        const fn = await functions.get(functionOfResource(req));
        return { status: 200, body: { Tags: fn.tags } };
      },
    },
    {
      method: 'POST', path: '/2017-03-31/tags/:Resource', maxBodyBytes: 64 * 1024,
      async handle(req) {
        const key = functionOfResource(req);
        await functions.setTags(key, parseBody(tagResourceBody, req.body).Tags);
        return { status: 204 };
      },
    },
    {
      method: 'DELETE', path: '/2017-03-31/tags/:Resource', maxBodyBytes: 0,
      async handle(req) {
        await functions.removeTags(functionOfResource(req), req.query.getAll('tagKeys'));
        return { status: 204 };
      },
    },
  ];
}
