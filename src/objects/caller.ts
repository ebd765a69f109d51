// Who asks, as the object store needs to know: the scope from the SigV4 credential
// (buckets belong to an account), and the request facts a change's event record keeps.
import type { Scope } from '../store/records.js';

export interface Caller extends Scope {
  readonly accessKeyId: string;
  readonly sourceIp: string;
  readonly requestId: string;
  /** X-Amzn-Trace-Id of the request, if any. */
  readonly traceHeader: string | undefined;
}
