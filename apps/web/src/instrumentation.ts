export async function register() {
  // NEXT_RUNTIME is no setting of ours: Next.js writes it into each bundle when it builds, so the
  // edge bundle leaves the Node.js start-up out.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that a serverless cold start unpacks its browser while the app loads.
    const [{ environment }, { unpackEarly }] = await Promise.all([
      import("./server/config/environment"),
      import("./server/serverless-chromium"),
    ]);
    unpackEarly(environment());
    const { startLifecycle } = await import("./server/lifecycle");
    startLifecycle();
  }
}
