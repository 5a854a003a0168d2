import { defineProject } from "vitest/config";

/** Checks of the repository itself: its layers, its docs, its generated files. */
export default defineProject({
  test: {
    name: "repository",
  },
});
