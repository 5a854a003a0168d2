export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startLifecycle } = await import("./server/lifecycle");
    await startLifecycle();
  }
}
