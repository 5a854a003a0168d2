import { Validator } from "@seriousme/openapi-schema-validator";
import { captureOptionsObjectSchema } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { ERROR_KINDS } from "./error-codes";
import { openApiDocument } from "./openapi";
import { REST_ROUTE_LIST } from "./rest/routes";

describe("OpenAPI document", () => {
  const document = openApiDocument(REST_ROUTE_LIST);

  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("lists every REST endpoint", () => {
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        "/api/cron/watches",
        "/api/health",
        "/api/metrics",
        "/api/openapi.json",
        "/api/v1/batches",
        "/api/v1/batches/{id}",
        "/api/v1/cache",
        "/api/v1/devices",
        "/api/v1/diff",
        "/api/v1/history",
        "/api/v1/history/image",
        "/api/v1/invalidate",
        "/api/v1/metadata",
        "/api/v1/screenshot",
        "/api/v1/stats",
        "/api/v1/watches",
        "/api/v1/watches/{id}",
      ].sort(),
    );
  });

  it("lists every capture option as a parameter, generated from the schema", () => {
    const parameters = document.paths["/api/v1/screenshot"]?.get?.parameters ?? [];
    const names = parameters.map((p) => p.name);
    for (const option of Object.keys(captureOptionsObjectSchema.shape))
      expect(names).toContain(option);
  });

  it("lists every error status the API answers", () => {
    const statuses = new Set(
      Object.values(document.paths).flatMap((operations) =>
        Object.values(operations).flatMap((operation) => Object.keys(operation.responses)),
      ),
    );
    for (const { status } of Object.values(ERROR_KINDS)) expect(statuses).toContain(String(status));
  });
});
