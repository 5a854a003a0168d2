import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "web",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // These tests drive a real `next start` server and Chromium: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
