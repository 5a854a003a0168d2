import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "web",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // These tests drive the real production server and Chromium: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
