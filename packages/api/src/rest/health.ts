import type { ApiContext } from "../context";
import { healthOf } from "../health";
import { json } from "./common";
import type { RestRequest, RestResponse } from "./types";

/** `GET /api/health`: whether the server is up, and which store it uses. */
export async function handleHealth(
  _request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  return json(200, healthOf(context));
}
