/** Reads a CDN's answer whole and fails, quoting it briefly, unless `ok` holds. */
export async function expectAnswer(
  response: Response,
  ok: (response: Response) => boolean = (answer) => answer.ok,
): Promise<string> {
  const text = await response.text();
  if (!ok(response))
    throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}
