import { startAppUnderTest } from "../test/app-under-test";

/** Starts the app and the fixture site once; tests find them through these variables. */
export default async function globalSetup() {
  const env = await startAppUnderTest();
  process.env.SHOTCACHE_E2E_ORIGIN = env.app.origin;
  process.env.SHOTCACHE_E2E_FIXTURE_ORIGIN = env.site.origin;
  return () => env.close();
}
