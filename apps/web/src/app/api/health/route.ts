import { handleHealth } from "@shotcache/api";
import { restRoute } from "@/server/next-route";

export const dynamic = "force-dynamic";

export const GET = restRoute(handleHealth);
