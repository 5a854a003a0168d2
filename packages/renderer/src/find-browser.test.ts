import { describe, expect, it } from "vitest";
import { BrowserNotFoundError, findBrowserExecutable } from "./find-browser";

describe("findBrowserExecutable", () => {
  it("uses CHROME_PATH when it exists", async () => {
    expect(await findBrowserExecutable({ CHROME_PATH: process.execPath })).toBe(process.execPath);
  });

  it("uses PUPPETEER_EXECUTABLE_PATH when CHROME_PATH is unset", async () => {
    expect(await findBrowserExecutable({ PUPPETEER_EXECUTABLE_PATH: process.execPath })).toBe(
      process.execPath,
    );
  });

  it("names the variable when the configured browser does not exist", async () => {
    const error = await findBrowserExecutable({ CHROME_PATH: "/nowhere/chrome" }).catch((e) => e);
    expect(error).toBeInstanceOf(BrowserNotFoundError);
    expect(error.message).toContain("CHROME_PATH=/nowhere/chrome");
  });
});
