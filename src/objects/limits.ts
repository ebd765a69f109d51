// S3's size limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).

/** Largest single PUT, copy source or part: 5 GiB. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;
/** Every part of a multipart upload but the last is at least 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 ** 2;
export const MAX_PART_NUMBER = 10_000;
/** Most keys one DeleteObjects names. */
export const MAX_DELETE_KEYS = 1000;
/** Most entries one listing page returns. */
export const MAX_LIST_KEYS = 1000;
/** User metadata (names and values of x-amz-meta-*) is at most 2 KB. */
export const MAX_USER_METADATA_BYTES = 2048;
