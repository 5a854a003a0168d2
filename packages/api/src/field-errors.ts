import type { CaptureError } from "@shotcache/core";
import type { z } from "zod";

export interface FieldError {
  /** Dotted path of the offending field, e.g. `width`; absent for errors about the whole input. */
  field?: string;
  message: string;
}

/** One entry per problem, each naming its field; an unknown option is named as its own field. */
export function fieldErrorsFrom(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: key, message: "is not a known option" }));
    }
    const field = issue.path.join(".");
    return [field ? { field, message: issue.message } : { message: issue.message }];
  });
}

/** The field a capture failure concerns (for example `url`), as a field error. */
export function fieldErrorsOfCapture(error: CaptureError): FieldError[] {
  return error.field ? [{ field: error.field, message: error.message }] : [];
}
