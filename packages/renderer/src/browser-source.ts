import { launchOwnedBrowser, type OwnedBrowser, type PackagedBrowser } from "./browser-process";
import { connectRemoteBrowser, type RemoteBrowserEndpoint } from "./remote-browser";

/**
 * Where the browser comes from: one this process launches (a local Chromium, or the one
 * `@sparticuz/chromium` ships for serverless functions, with its own flags), or a remote one
 * reached over the DevTools protocol. Every capture gets its own browser context either way.
 */
export type BrowserSource =
  | ({ kind: "launch"; executablePath: string } & PackagedBrowser)
  | ({ kind: "remote" } & RemoteBrowserEndpoint);

/**
 * A browser from `source`. A remote browser is connected to, never closed by us: it may serve
 * others (a shared Chrome), so letting go of it is a disconnect.
 */
export async function openBrowser(
  source: BrowserSource,
  trustedCertificates: readonly string[] = [],
): Promise<OwnedBrowser> {
  if (source.kind === "launch") {
    const { executablePath, ...packaged } = source;
    return launchOwnedBrowser(executablePath, trustedCertificates, packaged);
  }
  const browser = await connectRemoteBrowser(source);
  const gone = new Promise<void>((resolve) => {
    if (!browser.connected) resolve();
    else browser.once("disconnected", () => resolve());
  });
  const disconnect = () => browser.disconnect().catch(() => {});
  return {
    browser,
    pid: undefined,
    gone,
    close: disconnect,
    kill: () => void disconnect(),
  };
}
