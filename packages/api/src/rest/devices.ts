import { DEVICE_PRESETS } from "@shotcache/core";
import { json, methodNotAllowed } from "./common";
import type { RestRequest, RestResponse } from "./types";

/** The device list as it is answered: it changes only with the server's version. */
const DEVICES = DEVICE_PRESETS.map(({ userAgent: _userAgent, ...device }) => device);

/** `GET /api/v1/devices`: the names `device` takes, with their viewport, scale, mobile and touch. */
export async function handleDevices(request: RestRequest): Promise<RestResponse> {
  if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(["GET"]);
  return json(200, { devices: DEVICES });
}
