import type * as z from "zod";

/** One refused field: `field` is a path such as `orders[3].orderDate` (empty for the whole body). */
export interface FieldIssue {
  field: string;
  message: string;
}

/** Says what to do instead when an object carries `key`, which it does not allow; `undefined` for no advice. */
export type UnknownKeyAdvice = (objectPath: readonly PropertyKey[], key: string) => string | undefined;

// ["orders", 3, "orderDate"] → orders[3].orderDate
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === "number") return `${out}[${part}]`;
    return out === "" ? String(part) : `${out}.${String(part)}`;
  }, "");
}

/** Flattens a zod error into one issue per field, one per unknown key. */
export function issuesOf(error: z.ZodError, advice?: UnknownKeyAdvice): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code !== "unrecognized_keys") return [{ field: formatPath(issue.path), message: issue.message }];
    return issue.keys.map((key) => ({
      field: formatPath([...issue.path, key]),
      message: advice?.(issue.path, key) ?? "unknown key",
    }));
  });
}
