import { handleBatch } from "@shotcache/api";
import { restRoute } from "@/server/next-route";

export const dynamic = "force-dynamic";

const handler = restRoute(handleBatch);

// Every method goes through the handler, so an unsupported one gets a problem document too.
export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
