import type { Watch } from "@shotcache/core";
import { z } from "zod";

/** The definition the store keeps (its JSON), with where its image is fetched from. */
export interface StoredDefinition extends Omit<Watch, "id" | "nextRunAt"> {
  /** The server's public origin as the watch's creator reached it, for `imageUrl`. */
  origin: string;
}

export const storedDefinitionSchema = z.object({
  url: z.string(),
  every: z.number(),
  webhook: z.string(),
  options: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  origin: z.string(),
});

/** The watch a stored definition describes, or undefined for JSON this service did not write. */
export function watchOf(id: string, definition: string, nextRunAt?: number): Watch | undefined {
  try {
    const { origin: _origin, ...stored } = storedDefinitionSchema.parse(JSON.parse(definition));
    return {
      id,
      ...(stored as Omit<StoredDefinition, "origin">),
      ...(nextRunAt === undefined ? {} : { nextRunAt: new Date(nextRunAt).toISOString() }),
    };
  } catch {
    return undefined; // not one we wrote: never run it
  }
}
