import { createHash, createPublicKey } from "node:crypto";
import { generate } from "selfsigned";

export interface TestCertificate {
  /** PEM private key and certificate, for `https.createServer`. */
  key: string;
  cert: string;
  /**
   * Base64 SHA-256 of the certificate's public key (SPKI): what Chromium's
   * `--ignore-certificate-errors-spki-list` trusts, so only the browser under test trusts it.
   */
  spki: string;
}

/** A self-signed certificate for `names` (host names) and 127.0.0.1, valid for a day. */
export async function createTestCertificate(names: readonly string[]): Promise<TestCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: names[0] ?? "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...names.map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  const spkiDer = createPublicKey(pems.public).export({ type: "spki", format: "der" });
  return {
    key: pems.private,
    cert: pems.cert,
    spki: createHash("sha256").update(spkiDer).digest("base64"),
  };
}
