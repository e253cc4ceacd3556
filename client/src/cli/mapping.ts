import { readFileSync } from "node:fs";
import { orderCreateInput, orderUpdateInput } from "@calltouch-gateway/contract";
import { UsageError } from "./args";

/** Where a column goes: an order field, a field of an object field (`source.medium`), or nowhere (`null`). */
export type Mapping = Record<string, string | null>;

/** Fields whose cells are elements of a list: each mapped column adds one. */
const LIST_FIELDS = new Set(["phones", "emails", "tags"]);
/** Fields whose CSV cells hold JSON: objects and lists of objects. */
const JSON_FIELDS = new Set([
  "products",
  "matching",
  "orderContacts",
  "customFields",
  "source",
  "addTagsToLead",
  "addCustomFieldsToLead",
  "leadManager",
]);
const BOOLEAN_FIELDS = new Set(["tagsOverwrite"]);

/** The top-level fields an order of this kind has, taken from the contract so the two never drift. */
export function orderFields(kind: "create" | "update"): Set<string> {
  return new Set(Object.keys((kind === "create" ? orderCreateInput : orderUpdateInput).shape));
}

/**
 * The mapping of a run: the `--mapping` file's pairs, then the `--map column=field` pairs over them.
 * Throws `UsageError` for an unreadable file or a pair without `=`.
 *
 * @example loadMapping(undefined, ["Сумма=revenue", "Notes="]) // { "Сумма": "revenue", Notes: null }
 */
export function loadMapping(file: string | undefined, pairs: readonly string[]): Mapping {
  const mapping: Mapping = {};
  if (file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new UsageError(`--mapping ${file}: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`--mapping ${file}: expected an object of "column": "field" (or null to ignore it)`);
    }
    for (const [column, field] of Object.entries(parsed)) {
      if (field !== null && typeof field !== "string") throw new UsageError(`--mapping ${file}: "${column}" maps to a field name or null`);
      mapping[column] = field === "" ? null : field;
    }
  }
  for (const pair of pairs) {
    const at = pair.lastIndexOf("=");
    if (at <= 0) throw new UsageError(`--map ${pair}: expected column=field (or column= to ignore the column)`);
    const field = pair.slice(at + 1).trim();
    mapping[pair.slice(0, at).trim()] = field === "" ? null : field;
  }
  return mapping;
}

/**
 * Checks a mapping against the source's columns before any row is read: every target must be an
 * order field, and every column must go somewhere (a column named like a field maps to it by itself),
 * unless `ignoreUnmapped` (they are dropped) or `unmappedAreRowErrors` (they pass to the schema, which
 * refuses each row that has one). Answers the column → target table; throws `UsageError` otherwise.
 *
 * @example resolveMapping(["id", "Сумма"], { id: "orderNumber", "Сумма": "revenue" }, "create", { ignoreUnmapped: false })
 */
export function resolveMapping(
  columns: readonly string[],
  mapping: Mapping,
  kind: "create" | "update",
  options: { ignoreUnmapped: boolean; unmappedAreRowErrors?: boolean },
): Mapping {
  const fields = orderFields(kind);
  const problems: string[] = [];
  for (const [column, target] of Object.entries(mapping)) {
    if (target === null) continue;
    const [field, sub, ...deeper] = target.split(".");
    if (!fields.has(field!))
      problems.push(`"${column}" maps to "${target}", which is not a field of ${kind} (fields: ${[...fields].join(", ")})`);
    else if (deeper.length > 0 || sub === "") problems.push(`"${column}" maps to "${target}": at most one level, e.g. source.medium`);
  }
  const resolved: Mapping = {};
  const unmapped: string[] = [];
  for (const column of columns) {
    if (column in mapping) resolved[column] = mapping[column]!;
    else if (fields.has(column)) resolved[column] = column;
    else if (options.ignoreUnmapped) resolved[column] = null;
    else if (options.unmappedAreRowErrors) resolved[column] = column;
    else unmapped.push(column);
  }
  if (unmapped.length > 0) {
    problems.push(
      `columns mapped to no field: ${unmapped.map((c) => `"${c}"`).join(", ")} (map them with --map column=field, ignore one with --map column=, or pass --ignore-unmapped)`,
    );
  }
  if (columns.length > 0 && !Object.values(resolved).includes("orderNumber")) {
    problems.push(`no column maps to orderNumber, which every order needs (e.g. --map "ID сделки=orderNumber")`);
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return resolved;
}

/**
 * Builds the order of one row through a resolved mapping. Empty cells are left out ("not set"),
 * list fields collect one element per column, JSON fields are parsed; a cell that is not valid JSON
 * becomes a field error with the column's name, so that it is reported like any other bad value.
 *
 * @example mapRow({ id: "42", phone: "8 915 777-11-22" }, { id: "orderNumber", phone: "phones" })
 *   // { order: { orderNumber: "42", phones: ["8 915 777-11-22"] }, errors: [] }
 */
export function mapRow(
  values: Record<string, unknown>,
  mapping: Mapping,
): { order: Record<string, unknown>; errors: { field: string; message: string }[] } {
  const order: Record<string, unknown> = {};
  const errors: { field: string; message: string }[] = [];
  for (const [column, raw] of Object.entries(values)) {
    // JSON Lines keys not in the mapping keep their name: the schema refuses the unknown ones.
    const target = column in mapping ? mapping[column] : column;
    if (target === null || target === undefined) continue;
    if (raw === undefined || raw === null || raw === "") continue;
    const [field, sub] = target.split(".") as [string, string | undefined];
    let value = raw;
    if (typeof raw === "string" && !LIST_FIELDS.has(field) && sub === undefined) {
      if (JSON_FIELDS.has(field)) {
        try {
          value = JSON.parse(raw);
        } catch {
          errors.push({ field, message: `the cell of column "${column}" is not valid JSON` });
          continue;
        }
      } else if (BOOLEAN_FIELDS.has(field) && /^(true|false)$/i.test(raw.trim())) {
        value = raw.trim().toLowerCase() === "true";
      }
    }
    if (sub !== undefined) {
      if (field === "customFields" || field === "addCustomFieldsToLead") {
        const list =
          field === "customFields"
            ? ((order.customFields ??= []) as unknown[])
            : ((order.addCustomFieldsToLead ??= { customFields: [] }) as { customFields: unknown[] }).customFields;
        list.push({ field: sub, value });
      } else {
        const object = (order[field] ??= {}) as Record<string, unknown>;
        object[sub] = value;
      }
    } else if (LIST_FIELDS.has(field)) {
      const list = (order[field] ??= []) as unknown[];
      if (Array.isArray(value)) list.push(...(value as unknown[]));
      else list.push(value);
    } else {
      order[field] = value;
    }
  }
  return { order, errors };
}
