/** A region, as `clip` takes it. */
interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A position, as `geolocation` takes it. */
interface Position {
  readonly latitude: number;
  readonly longitude: number;
  readonly accuracy?: number;
}

/** A cookie, as `cookies` takes it; a query carries its name and value only. */
interface Cookie {
  readonly name: string;
  readonly value: string;
}

/**
 * A capture input as its signer holds it: option names to values, lists for repeated options
 * (regions among them: `ignoreRegions`), a region (`clip`), a position (`geolocation`), cookies and named values (`headers`).
 */
export type SignableInput = Readonly<
  Record<
    string,
    | string
    | number
    | boolean
    | readonly (string | Cookie | Region)[]
    | Region
    | Position
    | Readonly<Record<string, string>>
    | undefined
  >
>;

const isRegion = (value: object): value is Region =>
  ["x", "y", "width", "height"].every(
    (name) => typeof (value as Record<string, unknown>)[name] === "number",
  );

const regionText = (region: Region) => [region.x, region.y, region.width, region.height].join(",");

/** A number in plain decimals: `String(1e-7)` would write an exponent, which no option reads. */
const decimal = (number: number) =>
  /e/i.test(String(number)) ? number.toFixed(20).replace(/\.?0+$/, "") : String(number);

const isPosition = (value: object): value is Position =>
  typeof (value as Record<string, unknown>).latitude === "number" &&
  typeof (value as Record<string, unknown>).longitude === "number";

/**
 * The query pairs of an input, as they travel in a URL: a list repeats its option, a region is
 * `x,y,width,height`, a position `lat,lon` or `lat,lon,accuracy`, a cookie `name=value` (its
 * other attributes are the defaults a query implies), named values are one
 * `Name: value` each, `undefined` leaves it out. (No
 * Node built-in here: the SDK's browser entry uses it.)
 */
export function queryPairs(input: SignableInput): [string, string][] {
  return Object.entries(input).flatMap(([name, value]): [string, string][] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) {
      return value.map((item: string | Cookie | Region): [string, string] => [
        name,
        typeof item !== "object"
          ? String(item)
          : isRegion(item)
            ? regionText(item)
            : `${item.name}=${item.value}`,
      ]);
    }
    if (typeof value !== "object") return [[name, String(value)]];
    if (isRegion(value)) return [[name, regionText(value)]];
    if (isPosition(value)) {
      const { latitude, longitude, accuracy } = value;
      const numbers = [latitude, longitude, ...(accuracy === undefined ? [] : [accuracy])];
      return [[name, numbers.map(decimal).join(",")]];
    }
    return Object.entries(value).map(([key, item]): [string, string] => [name, `${key}: ${item}`]);
  });
}
