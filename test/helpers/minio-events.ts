// Webhook bodies as MinIO's webhook target posts them (minio internal/event: a Log of one
// Event, the object key escaped with Go's url.QueryEscape), for the external-store tests.

/** A webhook body as MinIO's webhook target posts it (internal/event: Log of one Event). */
export function minioBody(bucket: string, encodedKey: string, eventName = 's3:ObjectCreated:Put'): unknown {
  return {
    EventName: eventName, Key: `${bucket}/${decodeURIComponent(encodedKey.replaceAll('+', ' '))}`,
    Records: [{
      eventVersion: '2.0', eventSource: 'minio:s3', awsRegion: '', eventTime: '2024-05-01T12:00:00.123Z', eventName,
      userIdentity: { principalId: 'minioadmin' },
      requestParameters: { principalId: 'minioadmin', region: '', sourceIPAddress: '192.0.2.7' },
      responseElements: { 'x-amz-id-2': 'dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8', 'x-amz-request-id': '17C9C2B4A3F0E9D1', 'x-minio-deployment-id': 'd4e1', 'x-minio-origin-endpoint': 'http://192.0.2.7:9000' },
      s3: {
        s3SchemaVersion: '1.0', configurationId: 'Config',
        bucket: { name: bucket, ownerIdentity: { principalId: 'minioadmin' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodedKey, size: 1024, eTag: 'e2fc714c4727ee9395f324cd2e7f331f', contentType: 'image/jpeg', userMetadata: { 'content-type': 'image/jpeg' }, sequencer: '17C9C2B4A41A0F3E' },
      },
      source: { host: '192.0.2.7', port: '', userAgent: 'MinIO (linux; amd64) minio-go/v7.0.70 mc/RELEASE.2024-05-01T00-00-00Z' },
    }],
  };
}
