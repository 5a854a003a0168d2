import { fetchHandler, handleMetrics } from "@shotcache/api";
import { services } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = fetchHandler(handleMetrics, async () => (await services()).context);
