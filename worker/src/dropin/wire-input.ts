import type { ChangeKind } from "@calltouch-gateway/contract";

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const textOf = (value: unknown) => (isObject(value) ? value.text : value);
const tagsOf = (value: unknown) => (Array.isArray(value) ? value.map((item) => (isObject(item) ? item.tag : item)) : value);

/**
 * A Calltouch order (create's or update's wire shape) as the contract's input of the same call, so that
 * drop-in calls are validated, stored and compiled exactly like every other call. Keys of the other
 * method's shape are left as they are, for the schema to refuse by name.
 *
 * @example fromCalltouch("create", { orderNumber: "1", comment: { text: "hi" }, addTags: [{ tag: "a" }] })
 * // { orderNumber: "1", comment: "hi", tags: ["a"] }
 */
export function fromCalltouch(kind: ChangeKind, order: unknown): unknown {
  if (!isObject(order)) return order;
  const input: Fields = { ...order };
  const move = (from: string, to: string, convert: (value: unknown) => unknown = (value) => value) => {
    if (!(from in input)) return;
    const value = input[from];
    delete input[from];
    input[to] = convert(value);
  };
  if (isObject(input.addTagsToLead)) input.addTagsToLead = { ...input.addTagsToLead, tags: tagsOf(input.addTagsToLead.tags) };
  if (kind === "create") {
    move("comment", "comment", textOf);
    move("addTags", "tags", tagsOf);
  } else {
    move("addNewComment", "comment", textOf);
    move("reMatching", "matching");
    if (isObject(input.addTags)) {
      const { overwrite, tags } = input.addTags;
      delete input.addTags;
      input.tags = tagsOf(tags);
      if (overwrite !== undefined) input.tagsOverwrite = overwrite;
    }
  }
  return input;
}

/** The Calltouch name of a field of the contract's input, for errors that speak the caller's format. */
export function calltouchField(kind: ChangeKind, field: string): string {
  if (field === "tags" || field === "tagsOverwrite") return "addTags";
  if (field === "comment") return kind === "create" ? "comment" : "addNewComment";
  if (field === "matching") return kind === "create" ? "matching" : "reMatching";
  return field;
}
