import { handleTrpcRequest } from "@shotcache/api";
import { services } from "@/server/services";

export const dynamic = "force-dynamic";

const handler = async (request: Request) => handleTrpcRequest(request, (await services()).context);

export { handler as GET, handler as POST };
