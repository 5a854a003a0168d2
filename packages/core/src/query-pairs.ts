/** A capture input as its signer holds it: option names to values, lists for repeated options. */
export type SignableInput = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>;

/**
 * The query pairs of an input, as they travel in a URL: a list repeats its option, `undefined`
 * leaves it out. (No Node built-in here: the SDK's browser entry uses it.)
 */
export function queryPairs(input: SignableInput): [string, string][] {
  return Object.entries(input).flatMap(([name, value]): [string, string][] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value.map((item): [string, string] => [name, String(item)]);
    return [[name, String(value)]];
  });
}
