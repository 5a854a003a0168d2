import { errorResponses, jsonContent, openApiDocument } from "../openapi";
import type { RestResponse, RestRoute } from "./types";

/**
 * `GET /api/openapi.json`: the OpenAPI document of every route, this one among them. The routes
 * come as a function because the list holds this route too: it exists only once this route does.
 * The document is built on the first request and kept, since it changes only with the server.
 */
export function openApiRoute(routes: () => readonly RestRoute[]) {
  let document: string | undefined;
  async function handleOpenApi(): Promise<RestResponse> {
    document ??= JSON.stringify(openApiDocument(routes()));
    return {
      status: 200,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
      body: document,
    };
  }
  return {
    path: "/api/openapi.json",
    handler: handleOpenApi,
    describe: () => ({
      get: {
        operationId: "openapi",
        summary: "This document",
        responses: {
          "200": { description: "OpenAPI 3.1.", ...jsonContent({ type: "object" }) },
          ...errorResponses([]),
        },
      },
    }),
  } satisfies RestRoute;
}
