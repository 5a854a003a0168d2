import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "store",
    // Starting Redis servers, or a 3-master cluster with its slots assigned, can take longer than
    // vitest's 10 s on a busy two-core machine (the whole suite runs beside it).
    hookTimeout: 60_000,
  },
});
