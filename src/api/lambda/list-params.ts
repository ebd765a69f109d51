// Query parameters shared by the List* operations of the Lambda API.
import { invalidParameter } from '../../errors.js';
import type { ApiRequest } from '../http/types.js';

/** `MaxItems` as a number when given (the service checks its range); a non-number is refused here. */
export function optionalMaxItems(req: ApiRequest): number | undefined {
  const raw = req.query.get('MaxItems');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw invalidParameter('MaxItems', `must be a number (got '${raw}')`);
  return n;
}
