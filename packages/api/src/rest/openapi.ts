import { openApiDocument } from "../openapi";
import { json } from "./common";
import type { RestResponse } from "./types";

let document: string | undefined;

/** `GET /api/openapi.json`: the generated OpenAPI 3.1 document (built once). */
export async function handleOpenApi(): Promise<RestResponse> {
  document ??= JSON.stringify(openApiDocument());
  return { ...json(200, null), body: document };
}
