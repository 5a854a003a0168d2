import {
  type CaptureOptions,
  captureInputFromQuery,
  captureOptionsSchema,
  type HistoryService,
  notModified,
  type SignedPurpose,
} from "@shotcache/core";
import { changeRatioText } from "../cache-headers";
import type { ApiContext } from "../context";
import { historyAnswer, historyOf } from "../history-answer";
import {
  ADMIN_ERRORS,
  captureParameters,
  errorResponses,
  jsonContent,
  type OpenApiOperation,
  type OpenApiParameter,
} from "../openapi";
import { publicOriginOf } from "../public-origin";
import { failure, json, methodNotAllowed, refusedAccess } from "./common";
import { invalidInput, problem } from "./problem";
import { refusedSignature, splitSignature } from "./signed-query";
import type { RestRequest, RestResponse, RestRoute } from "./types";

/** Longest ETag a request may name (ours are far shorter). */
const MAX_ETAG_LENGTH = 256;

/** The parameters that pick versions; every other one names the variant, as a capture does. */
const PICKS = ["etag", "from", "to", "baseline"] as const;
type Picked = Partial<Record<(typeof PICKS)[number], string>>;

type Parsed =
  | { options: CaptureOptions; pick: Picked; history: HistoryService }
  | { refused: RestResponse };

/**
 * The variant a history request names, and the versions it picks; or why it is refused. It needs
 * the `read` scope, unless it is signed for `purpose` (a watch's diff URL).
 */
function parse(
  request: RestRequest,
  context: ApiContext,
  what: string,
  purpose?: SignedPurpose,
): Parsed {
  if (request.method !== "GET") return { refused: methodNotAllowed(["GET"]) };
  const { params: unsigned, signature, expires } = splitSignature(request);
  const refused =
    signature !== null && purpose
      ? refusedSignature(unsigned, context, signature, expires, purpose)
      : refusedAccess(request, context, "read");
  if (refused) return { refused };
  let history: HistoryService;
  try {
    history = historyOf(context);
  } catch (error) {
    return { refused: failure(error, context) };
  }
  const params = new URLSearchParams(unsigned);
  const pick: Picked = {};
  for (const name of PICKS) {
    const value = params.get(name);
    params.delete(name);
    if (value === null) continue;
    if (value.length > MAX_ETAG_LENGTH) {
      const errors = [{ field: name, message: `is longer than ${MAX_ETAG_LENGTH} characters` }];
      return { refused: problem("INVALID_INPUT", `The ${what} request is invalid.`, { errors }) };
    }
    pick[name] = value;
  }
  const parsed = captureOptionsSchema.safeParse(captureInputFromQuery(params));
  if (!parsed.success) {
    return { refused: invalidInput(`The ${what} request is invalid.`, parsed.error) };
  }
  return { options: parsed.data, pick, history };
}

/** `GET /api/v1/history?url=…&<options>`: the variant's versions, newest first. */
export async function handleHistory(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const parsed = parse(request, context, "history");
  if ("refused" in parsed) return parsed.refused;
  try {
    const versions = await parsed.history.list(parsed.options);
    return json(200, historyAnswer(versions, parsed.options, publicOriginOf(request)));
  } catch (error) {
    return failure(error, context);
  }
}

/** `GET /api/v1/history/image?url=…&<options>&etag=…`: one version's image. */
export async function handleHistoryImage(
  request: RestRequest,
  context: ApiContext,
): Promise<RestResponse> {
  const parsed = parse(request, context, "history image");
  if ("refused" in parsed) return parsed.refused;
  const { etag } = parsed.pick;
  if (!etag)
    return problem("INVALID_INPUT", "Say which version: etag.", {
      errors: [{ field: "etag", message: "is required" }],
    });
  try {
    const image = await parsed.history.image(parsed.options, etag);
    if (!image) {
      return problem("VERSION_NOT_FOUND", `The variant keeps no version with the ETag ${etag}.`, {
        errors: [{ field: "etag", message: "is not a kept version" }],
      });
    }
    // A version never changes: its ETag names its bytes.
    const headers = {
      etag,
      "content-type": image.contentType,
      "cache-control": "private, max-age=31536000, immutable",
    };
    const ifNoneMatch = request.header("if-none-match");
    if (ifNoneMatch && notModified({ ifNoneMatch, ifModifiedSince: null }, etag, 0)) {
      return { status: 304, headers, body: null };
    }
    return {
      status: 200,
      headers: { ...headers, "content-length": String(image.bytes.byteLength) },
      body: image.bytes,
    };
  } catch (error) {
    return failure(error, context);
  }
}

/**
 * `GET /api/v1/diff?url=…&<options>[&from=…&to=…]`: a PNG of what changed between two versions.
 * A URL signed for it (a watch delivery's `diffUrl`) needs no API key.
 */
export async function handleDiff(request: RestRequest, context: ApiContext): Promise<RestResponse> {
  const parsed = parse(request, context, "diff", "diff");
  if ("refused" in parsed) return parsed.refused;
  try {
    const diff = await parsed.history.diff(parsed.options, parsed.pick);
    return {
      status: 200,
      headers: {
        "content-type": "image/png",
        "content-length": String(diff.png.byteLength),
        "cache-control": "private, no-cache",
        "x-content-change-ratio": changeRatioText(diff.ratio),
        "x-version-from": diff.from.etag,
        "x-version-to": diff.to.etag,
      },
      body: diff.png,
    };
  } catch (error) {
    return failure(error, context);
  }
}

const versionParameter = (name: string, description: string): OpenApiParameter => ({
  name,
  in: "query",
  schema: { type: "string" },
  description,
});
const ETAG_PARAMETER = versionParameter("etag", "The version's ETag, as the history lists it.");
const PICK_PARAMETERS = [
  versionParameter("from", "The ETag of the older version; by default the one before `to`."),
  versionParameter("to", "The ETag of the newer version; by default the newest."),
  versionParameter("baseline", "A watch whose baseline `from` is (a watch delivery's `diffUrl`)."),
];

const VERSIONS_SCHEMA = {
  type: "object",
  required: ["versions"],
  properties: {
    versions: {
      type: "array",
      description: "Newest first.",
      items: {
        type: "object",
        required: ["etag", "capturedAt", "changeRatio", "image"],
        properties: {
          etag: { type: "string" },
          capturedAt: { type: "string", format: "date-time" },
          changeRatio: {
            type: ["number", "null"],
            description:
              "The change against the version before it (0–1), with the request's masks; null for a first version, a PDF or metadata, or where the image before it is gone.",
          },
          image: { type: "string", format: "uri", description: "Serves this version's image." },
        },
      },
    },
  },
};

const readRoute = (
  summary: string,
  operationId: string,
  extra: Pick<OpenApiOperation, "parameters" | "responses">,
) => ({
  get: {
    operationId,
    summary,
    security: [{ apiKey: ["read"] }],
    ...extra,
  },
});

export const historyRoute: RestRoute = {
  path: "/api/v1/history",
  handler: handleHistory,
  describe: () =>
    readRoute("A variant's versions, newest first, with how much each changed", "historyList", {
      parameters: captureParameters(),
      responses: {
        "200": { description: "The versions.", ...jsonContent(VERSIONS_SCHEMA) },
        ...errorResponses(ADMIN_ERRORS),
      },
    }),
};

export const historyImageRoute: RestRoute = {
  path: "/api/v1/history/image",
  handler: handleHistoryImage,
  describe: () =>
    readRoute("One version's image", "historyImage", {
      parameters: [...captureParameters(), ETAG_PARAMETER],
      responses: {
        "200": { description: "The image, its ETag the version's." },
        "304": { description: "Not modified." },
        "404": { description: "No such version (VERSION_NOT_FOUND)." },
        ...errorResponses(ADMIN_ERRORS),
      },
    }),
};

export const diffRoute: RestRoute = {
  path: "/api/v1/diff",
  handler: handleDiff,
  describe: () =>
    readRoute("A PNG of what changed between two versions", "historyDiff", {
      parameters: [...captureParameters(), ...PICK_PARAMETERS],
      responses: {
        "200": {
          description:
            "`to` faded, its changed pixels red, masked areas hatched; X-Content-Change-Ratio says how much.",
        },
        "404": { description: "No such version, or fewer than two (VERSION_NOT_FOUND)." },
        ...errorResponses(ADMIN_ERRORS),
      },
    }),
};
