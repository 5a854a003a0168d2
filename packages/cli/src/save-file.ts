import { renameSync, writeFileSync } from "node:fs";

/** Writes the file whole or not at all (a reader never sees half an image). */
export function save(file: string, bytes: Uint8Array | string): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, file);
}
