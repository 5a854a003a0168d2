import { z } from "zod";
import { captureOptionsObjectSchema } from "./options";

type FieldKind = "number" | "boolean" | "list" | "text";

function fieldKind(field: z.ZodType): FieldKind {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) {
    inner = inner.unwrap() as z.ZodType;
  }
  if (inner instanceof z.ZodNumber) return "number";
  if (inner instanceof z.ZodBoolean) return "boolean";
  if (inner instanceof z.ZodArray) return "list";
  return "text";
}

const fieldKinds = new Map<string, FieldKind>(
  Object.entries(captureOptionsObjectSchema.shape).map(([name, field]) => [name, fieldKind(field)]),
);

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };

function fromText(kind: FieldKind, text: string): unknown {
  if (kind === "number" && NUMBER_TEXT.test(text)) return Number(text);
  if (kind === "boolean" && Object.hasOwn(BOOLEAN_TEXT, text)) return BOOLEAN_TEXT[text];
  // Anything else is passed on as text, so the schema reports it against its field.
  return text;
}

/**
 * Turns query-string parameters into the raw input of the capture options schema: numbers and
 * booleans are read from their text, list options collect their repetitions, another repeated
 * parameter becomes an array (which the schema then refuses), and unknown names are kept so that
 * the strict schema names them.
 */
export function captureInputFromQuery(params: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const kind = fieldKinds.get(name) ?? "text";
    const values = params.getAll(name).map((text) => fromText(kind, text));
    // A list option takes one value per repetition (`hideSelectors=a&hideSelectors=b`).
    input[name] = kind === "list" || values.length !== 1 ? values : values[0];
  }
  return input;
}
