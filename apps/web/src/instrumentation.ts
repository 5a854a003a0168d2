export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that a serverless cold start unpacks its browser while the app loads.
    const { unpackEarly } = await import("./server/serverless-chromium");
    unpackEarly(process.env);
    const { startLifecycle } = await import("./server/lifecycle");
    startLifecycle();
  }
}
