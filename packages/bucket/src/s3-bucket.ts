import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { type ObjectBucket, parseBucketLocation } from "./object-bucket";

export interface S3BucketOptions {
  /** `s3://bucket/prefix`. */
  location: string;
  /** An S3-compatible service's endpoint (R2, B2, MinIO, Swift, Ceph); AWS's own without it. */
  endpoint?: string;
  /** The bucket's region (S3-compatible services mostly take any). @default "us-east-1" */
  region?: string;
  /** Otherwise the AWS SDK's chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Longest wait for a connection; the store's guard bounds calls on the capture path. @default 1000 */
  connectionTimeoutMs?: number;
  /** Longest wait for an answer, for calls nobody waits on (deleting unused images). @default 10000 */
  requestTimeoutMs?: number;
}

/** Whether the SDK's error says there is no such object. */
const isMissing = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** An S3 bucket through the AWS SDK. */
export function createS3Bucket(options: S3BucketOptions): ObjectBucket {
  const { bucket, prefix } = parseBucketLocation(options.location);
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    region: options.region ?? "us-east-1",
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Checksums only where S3 requires them: S3-compatible services (Swift 2.30 among them)
    // refuse the aws-chunked bodies the SDK sends with its default checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // One retry: a bucket that fails degrades the cache at once, rather than holding requests.
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
    },
  });
  const object = (key: string) => ({ Bucket: bucket, Key: key });

  return {
    description: `s3://${bucket}/${prefix}`,
    prefix,
    async put(key, bytes, contentType) {
      await client.send(
        new PutObjectCommand({ ...object(key), Body: bytes, ContentType: contentType }),
      );
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand(object(key)));
        return answer.Body ? await answer.Body.transformToByteArray() : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand(object(key)));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand(object(key)));
    },
    presign: (key, seconds) =>
      getSignedUrl(client, new GetObjectCommand(object(key)), { expiresIn: seconds }),
    close: () => client.destroy(),
  };
}
