// Which S3 operation a request is: by method, by whether it names a bucket and a key,
// and by its subresource query parameters (the REST API's own dispatch,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../../objects/errors.js';

export type OperationName =
  | 'ListBuckets' | 'CreateBucket' | 'DeleteBucket' | 'HeadBucket' | 'GetBucketLocation' | 'GetBucketVersioning'
  | 'PutBucketNotificationConfiguration' | 'GetBucketNotificationConfiguration'
  | 'ListObjects' | 'ListObjectsV2' | 'DeleteObjects'
  | 'PutObject' | 'CopyObject' | 'GetObject' | 'HeadObject' | 'DeleteObject'
  | 'CreateMultipartUpload' | 'UploadPart' | 'UploadPartCopy' | 'CompleteMultipartUpload' | 'AbortMultipartUpload'
  | 'ListParts' | 'ListMultipartUploads';

/** Subresources of buckets and objects that Nimbus does not serve: answered NotImplemented. */
const UNSERVED = [
  'acl', 'policy', 'policyStatus', 'cors', 'lifecycle', 'tagging', 'website', 'logging', 'encryption', 'replication', 'requestPayment',
  'accelerate', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'intelligent-tiering', 'inventory', 'metrics', 'analytics',
  'versions', 'retention', 'legal-hold', 'torrent', 'attributes', 'restore', 'select', 'session',
  'metadataTable', 'accessPoint',
];

function methodNotAllowed(method: string, what: string): S3Error {
  return new S3Error('MethodNotAllowed', `The specified method is not allowed against this resource.`, { Method: method, ResourceType: what });
}

export function operationOf(method: string, bucket: string | undefined, key: string | undefined, query: URLSearchParams, headers: IncomingHttpHeaders): OperationName {
  const has = (name: string): boolean => query.has(name);
  const unserved = UNSERVED.find(has);
  if (unserved !== undefined) throw new S3Error('NotImplemented', `Nimbus does not implement the ${unserved} subresource`, { Method: method, Subresource: unserved });
  if (bucket === undefined) {
    if (method === 'GET') return 'ListBuckets';
    throw methodNotAllowed(method, 'SERVICE');
  }
  if (key === undefined) {
    switch (method) {
      case 'GET':
        if (has('location')) return 'GetBucketLocation';
        if (has('versioning')) return 'GetBucketVersioning';
        if (has('notification')) return 'GetBucketNotificationConfiguration';
        if (has('uploads')) return 'ListMultipartUploads';
        return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'PUT':
        if (has('notification')) return 'PutBucketNotificationConfiguration';
        if (has('versioning')) throw new S3Error('NotImplemented', 'Nimbus buckets are not versioned', { Method: method, Subresource: 'versioning' });
        return 'CreateBucket';
      case 'DELETE':
        return 'DeleteBucket';
      case 'HEAD':
        return 'HeadBucket';
      case 'POST':
        if (has('delete')) return 'DeleteObjects';
        throw new S3Error('NotImplemented', 'Nimbus does not implement browser-form uploads (POST Object)', { Method: method });
      default:
        throw methodNotAllowed(method, 'BUCKET');
    }
  }
  const copy = headers['x-amz-copy-source'] !== undefined;
  switch (method) {
    case 'GET':
      return has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (has('uploadId') || has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
      return copy ? 'CopyObject' : 'PutObject';
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      throw methodNotAllowed(method, 'OBJECT');
    default:
      throw methodNotAllowed(method, 'OBJECT');
  }
}
