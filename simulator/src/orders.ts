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
   * one refused order leaves the others applied, as Calltouch's per-order answers imply. The request's
   * deals are read in one query and written in one statement: a query per order made the simulator, which
   * shares the machine with the gateway in benchmarks, cost more per deal than the gateway itself.
   */
  apply(body: ValidBody, siteId: string, seq: number, config: SimulatorConfig): ResultItem[] {
    const item = resultItem(config.echoOrderNumber);
    const changes = new Changes(this.heldOf(siteId, body.method === "delete" ? body.orderNumbers : body.orders.map((o) => o.orderNumber)));
    const results = this.applyTo(changes, body, siteId, seq, config).map(([orderNumber, result]) => item(orderNumber, result));
    changes.write(this.sql);
    return results;
  }

  private applyTo(
    changes: Changes,
    body: ValidBody,
    siteId: string,
    seq: number,
    config: SimulatorConfig,
  ): [string, { calltouchOrderId: number } | { error: string }][] {
    if (body.method === "delete") {
      return body.orderNumbers.map((orderNumber) => {
        const held = changes.held(orderNumber);
        const refusal = refusalFor(config.rejectOrders, "delete", orderNumber) ?? notFound(orderNumber, held);
        if (refusal !== undefined) return [orderNumber, { error: refusal }];
        changes.delete(orderNumber);
        return [orderNumber, { calltouchOrderId: newestId(held) }];
      });
    }
    const crm = body.crm ?? null;
    if (body.method === "update") {
      return body.orders.map((order) => {
        const held = changes.held(order.orderNumber);
        const refusal = refusalFor(config.rejectOrders, "update", order.orderNumber) ?? notFound(order.orderNumber, held);
        if (refusal !== undefined) return [order.orderNumber, { error: refusal }];
        return [
          order.orderNumber,
          { calltouchOrderId: this.update(changes, held, { method: "update", order }, "update", seq, crm, config) },
        ];
      });
    }
    return body.orders.map((order) => {
      const { orderNumber } = order;
      const held = changes.held(orderNumber);
      const refusal = refusalFor(config.rejectOrders, "create", orderNumber);
      if (refusal !== undefined) return [orderNumber, { error: refusal }];
      const change: Change = { method: "create", order };
      if (held.length > 0 && config.duplicateCreate === "error") {
        return [orderNumber, { error: `Order with orderNumber "${orderNumber}" already exists` }];
      }
      if (held.length > 0 && config.duplicateCreate === "upsert") {
        return [orderNumber, { calltouchOrderId: this.update(changes, held, change, "upsert", seq, crm, config) }];
      }
      const record: HeldOrder = {
        calltouchOrderId: this.nextId(),
        siteId,
        orderNumber,
        crm,
        deal: applyChange(undefined, change, config.updateMode),
        history: [{ seq, applied: "create", order }],
      };
      changes.save(record);
      return [orderNumber, { calltouchOrderId: record.calltouchOrderId }];
    });
  }

  // An update reaches every record of its orderNumber: with `duplicateCreate: "duplicate"` there may be several.
  private update(
    changes: Changes,
    held: HeldOrder[],
    change: Change,
    applied: OrderChange["applied"],
    seq: number,
    crm: string | null,
    config: SimulatorConfig,
  ): number {
    for (const record of held) {
      changes.save({
        ...record,
        crm: crm ?? record.crm,
        deal: applyChange(record.deal, change, config.updateMode),
        history: [...record.history, { seq, applied, order: change.order }],
      });
    }
    return newestId(held);
  }

  /** The records of these deals of `siteId`, by orderNumber, each deal's by id: one query for a request. */
  private heldOf(siteId: string, orderNumbers: readonly string[]): Map<string, HeldOrder[]> {
    const held = new Map<string, HeldOrder[]>();
    const rows = this.sql.exec<{ record: string }>(
      "SELECT record FROM orders WHERE site_id = ? AND order_number IN (SELECT value FROM json_each(?)) ORDER BY id",
      siteId,
      JSON.stringify([...new Set(orderNumbers)]),
    );
    for (const { record } of rows) {
      const order = JSON.parse(record) as HeldOrder;
      held.set(order.orderNumber, [...(held.get(order.orderNumber) ?? []), order]);
    }
    return held;
  }
}

/**
 * What one request does to its deals' records, applied in memory in request order (a later order of the
 * same deal sees an earlier one's effect, as if each were written at once) and written at the end.
 */
class Changes {
  private readonly saved = new Map<number, HeldOrder>();
  private readonly deleted = new Set<number>();

  constructor(private readonly records: Map<string, HeldOrder[]>) {}

  held(orderNumber: string): HeldOrder[] {
    return this.records.get(orderNumber) ?? [];
  }

  /** Keeps `record`, new or replacing the record of its id. */
  save(record: HeldOrder): void {
    const others = this.held(record.orderNumber).filter(({ calltouchOrderId }) => calltouchOrderId !== record.calltouchOrderId);
    this.records.set(
      record.orderNumber,
      [...others, record].sort((a, b) => a.calltouchOrderId - b.calltouchOrderId),
    );
    this.saved.set(record.calltouchOrderId, record);
  }

  /** Forgets every record of `orderNumber`. */
  delete(orderNumber: string): void {
    for (const { calltouchOrderId } of this.held(orderNumber)) {
      this.saved.delete(calltouchOrderId);
      this.deleted.add(calltouchOrderId);
    }
    this.records.delete(orderNumber);
  }

  /** One statement for the deletes and one for the records kept, each only when there is one. */
  write(sql: SqlStorage): void {
    if (this.deleted.size > 0)
      sql.exec("DELETE FROM orders WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify([...this.deleted]));
    if (this.saved.size === 0) return;
    const rows = [...this.saved.values()].map((record) => [
      record.calltouchOrderId,
      record.siteId,
      record.orderNumber,
      JSON.stringify(record),
    ]);
    sql.exec(
      `INSERT OR REPLACE INTO orders (id, site_id, order_number, record)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`,
      JSON.stringify(rows),
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
