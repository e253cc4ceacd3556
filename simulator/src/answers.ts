import type { SimulatorConfig } from "./config";
import type { FieldIssue } from "./issues";
import type { ResultItem } from "./orders";

// Calltouch's bodies for refusals other than validation are [unknown]; every default body here has this one shape,
// and each can be replaced through the config (`auth.body`, `throttle.body`, `throttle.dailyBody`, `failureBody`).

/** The default body of a refusal: `{"data": null, "error": {"code", "message"}}`. */
export function errorBody(code: string, message: string) {
  return { data: null, error: { code, message } };
}

/** A validation refusal, its inner shape as `validation.shape` says (the real one is [unknown]). */
export function validationBody(issues: readonly FieldIssue[], shape: SimulatorConfig["validation"]["shape"]) {
  switch (shape) {
    case "fieldList":
      return { data: { validationErrorData: issues } };
    case "messages": {
      const messages = issues.map(({ field, message }) => (field ? `${field}: ${message}` : message));
      return { data: { validationErrorData: messages } };
    }
    case "byField": {
      const byField: Record<string, string[]> = {};
      for (const { field, message } of issues) (byField[field] ??= []).push(message);
      return { data: { validationErrorData: byField } };
    }
  }
}

/** The answer to an accepted request: one item per order, in request order. */
export function ordersBody(items: readonly ResultItem[]) {
  return { data: { orders: items } };
}
