import { handleOpenApi, toFetchResponse } from "@shotcache/api";

export const dynamic = "force-dynamic";

export const GET = async () => toFetchResponse(await handleOpenApi());
