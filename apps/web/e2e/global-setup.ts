import { startAppUnderTest } from "../test/app-under-test";

/** The signing secret of the app under test, so the tests can check the signed URLs it makes. */
const E2E_SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef";

/** Starts the app and the fixture site once; tests find them through these variables. */
export default async function globalSetup() {
  const env = await startAppUnderTest({ SHOTCACHE_SIGNING_SECRET: E2E_SIGNING_SECRET });
  process.env.SHOTCACHE_E2E_ORIGIN = env.app.origin;
  process.env.SHOTCACHE_E2E_FIXTURE_ORIGIN = env.site.origin;
  return () => env.close();
}
