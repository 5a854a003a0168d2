import { fetchHandler, handleHealth } from "@shotcache/api";
import { services } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = fetchHandler(handleHealth, async () => (await services()).context);
