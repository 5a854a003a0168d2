/**
 * For tests that need something outside Node (a browser, a Redis server): returns what `probe`
 * finds, or `undefined` so the caller can skip with a message naming what is missing. Under
 * `CI=true` a missing dependency is an error instead: CI must never pass by skipping.
 */
export async function availableOrSkip<T>(
  what: string,
  probe: () => T | Promise<T>,
): Promise<T | undefined> {
  try {
    return await probe();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI === "true") {
      throw new Error(`${what} is required under CI=true: ${reason}`);
    }
    console.warn(`Skipping tests that need ${what}: ${reason}`);
    return undefined;
  }
}
