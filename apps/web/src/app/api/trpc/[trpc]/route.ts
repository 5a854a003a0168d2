import { trpcRoute } from "@/server/next-route";

export const dynamic = "force-dynamic";

export { trpcRoute as GET, trpcRoute as POST };
