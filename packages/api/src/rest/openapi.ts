import { openApiDocument } from "../openapi";
import type { RestResponse } from "./types";

let document: string | undefined;

/** `GET /api/openapi.json`: the generated OpenAPI 3.1 document (built once). */
export async function handleOpenApi(): Promise<RestResponse> {
  document ??= JSON.stringify(openApiDocument());
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: document,
  };
}
