import { fetchHandler, handleDevices } from "@shotcache/api";
import { apiContext } from "@/server/services";

export const dynamic = "force-dynamic";

const handler = fetchHandler(handleDevices, apiContext);

// Every method goes through the handler, so an unsupported one gets a problem document too.
export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
