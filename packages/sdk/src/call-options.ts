/** Per call: a signal that abandons it (the SDK then throws `ShotcacheError` code `ABORTED`). */
export interface CallOptions {
  signal?: AbortSignal;
}
