import { describe, expect, it } from "vitest";
import { browserLaunchOptions } from "./browser-process";

const CHROMIUM = "/usr/lib/chromium/chromium";

describe("how a browser is launched", () => {
  it("goes without Chromium's sandbox when told, and as root, where Chromium refuses it", () => {
    const root = process.getuid?.() === 0;
    expect(browserLaunchOptions(CHROMIUM).args.includes("--no-sandbox")).toBe(root);
    expect(browserLaunchOptions(CHROMIUM, [], { sandbox: false }).args).toContain("--no-sandbox");
    expect(browserLaunchOptions(CHROMIUM, [], { sandbox: true }).args).not.toContain(
      "--no-sandbox",
    );
  });

  it("puts a packaged browser's own flags first, and trusts the certificates it is given", () => {
    const { args, headless } = browserLaunchOptions(`${CHROMIUM}-headless-shell`, ["pin="], {
      args: ["--own"],
    });
    expect(headless).toBe("shell");
    expect(args[0]).toBe("--own");
    expect(args).toContain("--ignore-certificate-errors-spki-list=pin=");
  });
});
