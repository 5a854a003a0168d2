import type { ApiContext } from "../context";
import { healthOf } from "../health";
import { json } from "./common";
import type { RestRequest, RestResponse } from "./types";

/**
 * `GET /api/health`: whether the server is up, and which store it uses; 503 while it drains, so
 * that a balancer's health check takes it out of rotation.
 */
export async function handleHealth(
  _request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const health = healthOf(context);
  return json(health.status === "draining" ? 503 : 200, health);
}
