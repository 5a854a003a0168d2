/** @module Parsers that several settings share: environment variables are strings, always. */
import { z } from "zod";

/** What the settings table shows in its default column when the default is not a plain value. */
declare module "zod" {
  interface GlobalMeta {
    /** Shown as the default ("cores", "chosen"…) where it is worked out rather than fixed. */
    shownDefault?: string;
  }
}

/** `true` or `false`, nothing else (a typo such as `yes` stops start-up). */
export const booleanText = z.enum(["true", "false"]).transform((text) => text === "true");

export const positiveInt = z.coerce.number().int().positive();
export const nonNegativeInt = z.coerce.number().int().min(0);

/** A secret: at least this many characters, so that a placeholder is not taken for one. */
export const secret = (minimum: number) =>
  z.string().min(minimum, `needs at least ${minimum} characters`);

/** The items of a comma-separated list, trimmed, empty ones left out. */
export const commaList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * A comma-separated list turned into something else by `parse`, which throws on a bad item: its
 * message becomes the variable's problem.
 */
export const parsedList = <T>(parse: (items: string[]) => T) =>
  z
    .string()
    .default("")
    .transform((text, context) => {
      try {
        return parse(commaList(text));
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });
