import type { RejectRule, SimulatorConfig } from "./config";
import type { CreateOrder, Method, UpdateOrder, ValidBody } from "./validate";

/**
 * A deal as Calltouch holds it: Calltouch's field names as last set, except where create and update name the same
 * thing differently — `matching` (from `matching` or `reMatching`), `comments` (every `comment.text` and
 * `addNewComment.text`, oldest first) and `tags` (from `addTags`, both shapes).
 */
export interface Deal {
  [field: string]: unknown;
  comments: string[];
  tags: string[];
}

/** One create or update as it was applied to a deal. */
export interface OrderChange {
  seq: number;
  /** `upsert` is a create applied as an update (`duplicateCreate: "upsert"`). */
  applied: "create" | "update" | "upsert";
  order: CreateOrder | UpdateOrder;
}

/** A deal record in the simulator, with every change that made it. */
export interface HeldOrder {
  calltouchOrderId: number;
  /** The Calltouch site the deal belongs to. */
  siteId: string;
  orderNumber: string;
  crm: string | null;
  deal: Deal;
  history: OrderChange[];
}

/** One item of `data.orders` in Calltouch's answer. */
export type ResultItem = ({ calltouchOrderId: number } | { error: string }) & { orderNumber?: string };

type Change = { method: "create"; order: CreateOrder } | { method: "update"; order: UpdateOrder };

const NEW_DEAL: Deal = { comments: [], tags: [] };

function dealFieldsOf(change: Change) {
  if (change.method === "create") {
    const { orderNumber: _key, comment, addTags, ...fields } = change.order;
    return { fields, comment: comment?.text, tags: addTags && { list: addTags.map((t) => t.tag), overwrite: false } };
  }
  const { orderNumber: _key, reMatching, addNewComment, addTags, ...fields } = change.order;
  return {
    fields: reMatching === undefined ? fields : { ...fields, matching: reMatching },
    comment: addNewComment?.text,
    tags: addTags && { list: addTags.tags.map((t) => t.tag), overwrite: addTags.overwrite ?? false },
  };
}

/**
 * The deal after `change`. `merge` keeps what the change does not mention; `replace` clears it (the deal keeps its
 * `matching`: a replace models "omitted fields are emptied", not "the deal lost its lead").
 */
function applyChange(previous: Deal | undefined, change: Change, mode: SimulatorConfig["updateMode"]): Deal {
  const { fields, comment, tags } = dealFieldsOf(change);
  let start = previous ?? NEW_DEAL;
  if (previous !== undefined && mode === "replace") {
    start = previous.matching === undefined ? NEW_DEAL : { ...NEW_DEAL, matching: previous.matching };
  }
  const keptTags = tags?.overwrite ? [] : start.tags;
  return {
    ...start,
    ...fields,
    comments: comment === undefined ? start.comments : [...start.comments, comment],
    tags: [...new Set([...keptTags, ...(tags?.list ?? [])])],
  };
}

/**
 * The deal records of every site, in the Durable Object's SQLite storage (table `orders`, see
 * `migrations.ts`), so that they outlive its idle eviction. Each site's deals are apart, as in Calltouch.
 */
export class OrderBook {
  constructor(
    private readonly sql: SqlStorage,
    private readonly nextId: () => number,
  ) {}

  /** Every record, by id; only those of `siteId`, and of `orderNumber` there, when given. */
  list(filter: { siteId?: string | undefined; orderNumber?: string | undefined } = {}): HeldOrder[] {
    // Only the conditions given, so that a deal's lookup (both given) uses the (site_id, order_number) index:
    // an `?1 IS NULL OR …` form would read every record for each order of a request.
    const conditions = Object.entries({ site_id: filter.siteId, order_number: filter.orderNumber }).filter(
      ([, value]) => value !== undefined,
    );
    const where = conditions.length === 0 ? "" : `WHERE ${conditions.map(([column]) => `${column} = ?`).join(" AND ")}`;
    return this.sql
      .exec<{ record: string }>(`SELECT record FROM orders ${where} ORDER BY id`, ...conditions.map(([, value]) => value))
      .toArray()
      .map((row) => JSON.parse(row.record) as HeldOrder);
  }

  /** How many records there are. */
  count(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM orders").one().n;
  }

  /** Forgets every record. */
  clear(): void {
    this.sql.exec("DELETE FROM orders");
  }

  /**
   * Applies a validated request and answers one item per order, in request order. Orders are independent:
   * one refused order leaves the others applied, as Calltouch's per-order answers imply.
   */
  apply(body: ValidBody, siteId: string, seq: number, config: SimulatorConfig): ResultItem[] {
    const item = resultItem(config.echoOrderNumber);
    if (body.method === "delete") {
      return body.orderNumbers.map((orderNumber) => {
        const held = this.list({ siteId, orderNumber });
        const refusal = refusalFor(config.rejectOrders, "delete", orderNumber) ?? notFound(orderNumber, held);
        if (refusal !== undefined) return item(orderNumber, { error: refusal });
        this.sql.exec("DELETE FROM orders WHERE site_id = ? AND order_number = ?", siteId, orderNumber);
        return item(orderNumber, { calltouchOrderId: newestId(held) });
      });
    }
    const crm = body.crm ?? null;
    if (body.method === "update") {
      return body.orders.map((order) => {
        const held = this.list({ siteId, orderNumber: order.orderNumber });
        const refusal = refusalFor(config.rejectOrders, "update", order.orderNumber) ?? notFound(order.orderNumber, held);
        if (refusal !== undefined) return item(order.orderNumber, { error: refusal });
        const id = this.update(held, { method: "update", order }, "update", seq, crm, config);
        return item(order.orderNumber, { calltouchOrderId: id });
      });
    }
    return body.orders.map((order) => {
      const { orderNumber } = order;
      const held = this.list({ siteId, orderNumber });
      const refusal = refusalFor(config.rejectOrders, "create", orderNumber);
      if (refusal !== undefined) return item(orderNumber, { error: refusal });
      const change: Change = { method: "create", order };
      if (held.length > 0 && config.duplicateCreate === "error") {
        return item(orderNumber, { error: `Order with orderNumber "${orderNumber}" already exists` });
      }
      if (held.length > 0 && config.duplicateCreate === "upsert") {
        return item(orderNumber, { calltouchOrderId: this.update(held, change, "upsert", seq, crm, config) });
      }
      const record: HeldOrder = {
        calltouchOrderId: this.nextId(),
        siteId,
        orderNumber,
        crm,
        deal: applyChange(undefined, change, config.updateMode),
        history: [{ seq, applied: "create", order }],
      };
      this.save(record);
      return item(orderNumber, { calltouchOrderId: record.calltouchOrderId });
    });
  }

  // An update reaches every record of its orderNumber: with `duplicateCreate: "duplicate"` there may be several.
  private update(
    held: HeldOrder[],
    change: Change,
    applied: OrderChange["applied"],
    seq: number,
    crm: string | null,
    config: SimulatorConfig,
  ): number {
    for (const record of held) {
      this.save({
        ...record,
        crm: crm ?? record.crm,
        deal: applyChange(record.deal, change, config.updateMode),
        history: [...record.history, { seq, applied, order: change.order }],
      });
    }
    return newestId(held);
  }

  private save(record: HeldOrder): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO orders (id, site_id, order_number, record) VALUES (?, ?, ?, ?)",
      record.calltouchOrderId,
      record.siteId,
      record.orderNumber,
      JSON.stringify(record),
    );
  }
}

function newestId(held: readonly HeldOrder[]): number {
  return Math.max(...held.map((record) => record.calltouchOrderId));
}

function notFound(orderNumber: string, held: readonly HeldOrder[]): string | undefined {
  return held.length > 0 ? undefined : `Order with orderNumber "${orderNumber}" not found`;
}

function refusalFor(rules: readonly RejectRule[], method: Method, orderNumber: string): string | undefined {
  const rule = rules.find((r) => (r.on === undefined || r.on.includes(method)) && new RegExp(r.orderNumberPattern).test(orderNumber));
  return rule?.error;
}

// Whether Calltouch echoes orderNumber in each item is [unknown]; `echoOrderNumber` plays both.
function resultItem(echo: boolean) {
  return (orderNumber: string, result: { calltouchOrderId: number } | { error: string }): ResultItem =>
    echo ? { ...result, orderNumber } : result;
}
