import type { CaptureError } from "@shotcache/core";
import type { z } from "zod";

export interface FieldError {
  /** Dotted path of the offending field, e.g. `width`; absent for errors about the whole input. */
  field?: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** Whether a union's branch refused the input for its type alone (a record given a string, say). */
const refusedForType = (branch: Issue[]) =>
  branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0;

/**
 * The issues that say what is wrong. A field that takes several forms (`headers` as lines or a
 * record, `clip` as text or an object) is a union, whose own message is a bare "Invalid input";
 * where all but one form refused the input for its type, that form's issues are the real ones.
 * A record's bad key ("Invalid key in record") is named by what is wrong with it, likewise.
 */
function specificIssues(issue: Issue): Issue[] {
  if (issue.code === "invalid_key") {
    return issue.issues.map((inner) => ({ ...inner, path: issue.path }) as Issue);
  }
  if (issue.code !== "invalid_union") return [issue];
  const fitting = issue.errors.filter((branch) => !refusedForType(branch));
  if (fitting.length !== 1) return [issue];
  return (fitting[0] ?? []).flatMap((inner) =>
    specificIssues({ ...inner, path: [...issue.path, ...inner.path] }),
  );
}

/** One entry per problem, each naming its field; an unknown option is named as its own field. */
export function fieldErrorsFrom(error: z.ZodError): FieldError[] {
  return error.issues.flatMap(specificIssues).flatMap((issue): FieldError[] => {
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
