export {
  DEFAULT_LOCATION_SECONDS,
  DEFAULT_OBJECT_MIN_BYTES,
  type ObjectBackedStoreOptions,
  withObjectBucket,
} from "./object-backed-store";
export { type ObjectBucket, parseBucketLocation } from "./object-bucket";
export { createS3Bucket, type S3BucketOptions } from "./s3-bucket";
