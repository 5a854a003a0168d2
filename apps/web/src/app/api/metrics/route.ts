import { fetchHandler, handleMetrics } from "@shotcache/api";
import { apiContext } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = fetchHandler(handleMetrics, apiContext);
