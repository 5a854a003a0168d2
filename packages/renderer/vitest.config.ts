import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "renderer",
    // Real Chromium renders: a launch and a full-page capture can take seconds on a busy machine.
    testTimeout: 30_000,
  },
});
