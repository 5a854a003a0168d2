import type { ApiContext } from "../context";
import { healthOf } from "../health";
import type { RestRequest, RestResponse } from "./types";

/** `GET /api/health`: whether the server is up, and which store it uses. */
export async function handleHealth(
  _request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(healthOf(context)),
  };
}
