import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableOrSkip } from "./available-or-skip";
import { findSwift, type Swift, startSwift } from "./swift";

const swiftAvailable = Boolean(await availableOrSkip("Swift and memcached", findSwift));

/** The S3-compatible store the object-store tests run against, as the AWS SDK sees it. */
describe.skipIf(!swiftAvailable)("Swift with s3api, one node on loopback", () => {
  let swift: Swift;
  beforeAll(async () => {
    swift = await startSwift();
  }, 60_000);
  afterAll(() => swift?.stop());

  it("keeps an object's bytes and type, and gives them back", async () => {
    const { s3 } = swift;
    await swift.createBucket("shots");
    const bytes = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 31) % 256);
    await s3.send(
      new PutObjectCommand({
        Bucket: "shots",
        Key: "a/b.png",
        Body: bytes,
        ContentType: "image/png",
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: "shots", Key: "a/b.png" }));
    expect(got.ContentType).toBe("image/png");
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(Buffer.from(bytes));
    expect(await swift.keys("shots")).toEqual(["a/b.png"]);
  });

  it("goes away and comes back with its data", async () => {
    const { s3 } = swift;
    await swift.pause();
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: "shots", Key: "a/b.png" })),
    ).rejects.toThrow();
    await swift.restart();
    const head = await s3.send(new HeadObjectCommand({ Bucket: "shots", Key: "a/b.png" }));
    expect(head.ContentLength).toBe(300_000);
  }, 60_000);
});
