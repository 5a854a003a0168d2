import { handleTrpcRequest } from "@shotcache/api";
import { apiContext } from "@/server/services";

export const dynamic = "force-dynamic";

const handler = async (request: Request) => handleTrpcRequest(request, await apiContext());

export { handler as GET, handler as POST };
