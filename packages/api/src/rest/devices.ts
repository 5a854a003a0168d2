import { DEVICE_PRESETS } from "@shotcache/core";
import { errorResponses, jsonContent } from "../openapi";
import { json, methodNotAllowed } from "./common";
import type { RestRequest, RestResponse, RestRoute } from "./types";

/** The device list as it is answered: it changes only with the server's version. */
const DEVICES = DEVICE_PRESETS.map(({ userAgent: _userAgent, ...device }) => device);

/** `GET /api/v1/devices`: the names `device` takes, with their viewport, scale, mobile and touch. */
export async function handleDevices(request: RestRequest): Promise<RestResponse> {
  if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(["GET"]);
  return json(200, { devices: DEVICES });
}

export const devicesRoute: RestRoute = {
  path: "/api/v1/devices",
  handler: handleDevices,
  describe: () => ({
    get: {
      operationId: "devices",
      summary: "The device names `device` takes",
      security: [],
      responses: {
        "200": {
          description:
            "Each device with its viewport (CSS px), scale, mobile, touch and orientation.",
          ...jsonContent({
            type: "object",
            required: ["devices"],
            properties: {
              devices: {
                type: "array",
                items: {
                  type: "object",
                  required: ["name", "width", "height", "scale", "mobile", "touch", "landscape"],
                  properties: {
                    name: { type: "string" },
                    width: { type: "integer" },
                    height: { type: "integer" },
                    scale: { type: "number" },
                    mobile: { type: "boolean" },
                    touch: { type: "boolean" },
                    landscape: { type: "boolean" },
                  },
                },
              },
            },
          }),
        },
        ...errorResponses(["METHOD_NOT_ALLOWED"]),
      },
    },
  }),
};
