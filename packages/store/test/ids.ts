let sequence = 0;
/** Keys unique to one test, in the shape the capture service makes them. */
export function ids(variants: number) {
  const urlKey = `url${++sequence}x${Date.now().toString(36)}`;
  return {
    urlKey,
    keys: Array.from({ length: variants }, (_, index) => `v1:${urlKey}:variant${index}`),
  };
}
