/**
 * Reads a CDN's answer whole and fails, quoting it briefly, unless `ok` holds. The URL is named
 * without its query, which may be a signed URL's (errors reach logs and purge answers).
 */
export async function expectAnswer(
  response: Response,
  ok: (response: Response) => boolean = (answer) => answer.ok,
): Promise<string> {
  const text = await response.text();
  if (!ok(response)) {
    const { origin, pathname } = new URL(response.url);
    throw new Error(`${origin}${pathname} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  return text;
}
