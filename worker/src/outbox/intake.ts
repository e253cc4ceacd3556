import { waitUntil } from "cloudflare:workers";
import type { EnqueueAnswer, EnqueueRequest } from "./outbox";
import { outboxOf } from "./site";

/**
 * The most a carriage holds: as many orders as one call may carry, and about as many characters of them
 * as one call's body at the default `MAX_BODY_BYTES`, so that a carriage costs the outbox no more than
 * one large call. A call bigger than that goes alone, as it did before carriages.
 */
const CARRIAGE_MAX_ORDERS = 1000;
const CARRIAGE_MAX_CHARS = 2 * 1024 * 1024;

interface Seat {
  request: EnqueueRequest;
  answer: PromiseWithResolvers<EnqueueAnswer>;
  /** Resolved when this call is to send the next carriage itself. */
  lead: PromiseWithResolvers<void>;
}

/**
 * A carriage not back after this long is taken for lost: the request that sent it may have been cancelled
 * (a carriage normally takes milliseconds, and `waitUntil` keeps it 30 s past its request). The next call
 * to arrive then lets the first waiting call send the next carriage, so that no lost carriage holds its
 * site's calls in this isolate for good.
 */
const CARRIAGE_LOST_MS = 60_000;

/** The calls of one site waiting in this isolate, whether a carriage of theirs is on its way, and since when. */
interface Lane {
  seats: Seat[];
  busy: boolean;
  sentAt: number;
}

/** Per outbox namespace, per site: the namespace object is the isolate's own, whichever `env` copy carries it. */
const lanes = new WeakMap<object, Map<string, Lane>>();

/**
 * Stores a call in its site's outbox, riding with the calls of the same site that reach this isolate
 * while another carriage is on its way: one RPC and one turn of the outbox for all of them, where each
 * call used to pay its own. A call that finds no carriage on its way leaves at once, so a lone call waits
 * for nothing. Each call keeps its own answer: its receipts, its 409, or its own error (`enqueueAll` runs
 * each in its own savepoint of one commit, `commit-group.ts`), in the order the calls came.
 *
 * A carriage is sent by one of its own calls, in that call's request, which keeps it alive until every
 * call aboard has its answer (`waitUntil`), even if its own client has gone; the next carriage is sent
 * by the first call waiting for it. A call that waits for delivery (`waitMs`) goes alone: it would hold
 * every answer of its carriage.
 *
 * @example const answer = await enqueue(env, { site, kind: "create", origin: "deal", orders, requestId, caller: keyId });
 */
export async function enqueue(env: Env, request: EnqueueRequest): Promise<EnqueueAnswer> {
  if (request.waitMs) return outboxOf(env, request.site).enqueue(request);
  const lane = laneOf(env, request.site);
  const seat: Seat = { request, answer: Promise.withResolvers(), lead: Promise.withResolvers() };
  lane.seats.push(seat);
  if (!lane.busy) {
    lane.busy = true;
    seat.lead.resolve();
  } else if (Date.now() - lane.sentAt > CARRIAGE_LOST_MS) {
    // The first waiting call leads: a sender is always the first of its own carriage.
    lane.sentAt = Date.now();
    lane.seats[0]!.lead.resolve();
  }
  const turn = await Promise.race([seat.lead.promise.then(() => "lead" as const), seat.answer.promise]);
  if (turn === "lead") send(env, lane, request.site);
  return seat.answer.promise;
}

function laneOf(env: Env, site: string): Lane {
  let sites = lanes.get(env.OUTBOX);
  if (sites === undefined) lanes.set(env.OUTBOX, (sites = new Map()));
  let lane = sites.get(site);
  if (lane === undefined) sites.set(site, (lane = { seats: [], busy: false, sentAt: 0 }));
  return lane;
}

/** Sends the calls at the head of the lane, up to a carriage's size (the first always), and hands on. */
function send(env: Env, lane: Lane, site: string): void {
  const carriage = board(lane.seats);
  lane.sentAt = Date.now();
  const done = outboxOf(env, site)
    .enqueueAll(carriage.map(({ request }) => request))
    .then(
      (answers) => {
        for (const [index, seat] of carriage.entries()) {
          // One answer per call sent, in order (`Outbox.enqueueAll`).
          const carried = answers[index]!;
          if ("answer" in carried) seat.answer.resolve(carried.answer);
          else seat.answer.reject(carried.error);
        }
      },
      (error: unknown) => {
        for (const seat of carriage) seat.answer.reject(error);
      },
    );
  void done.finally(() => {
    const next = lane.seats[0];
    // The next carriage leaves in the request of its first call, not in this one's.
    if (next === undefined) lane.busy = false;
    else next.lead.resolve();
  });
  waitUntil(done);
}

/**
 * The first call of the lane, and those after it that fit with it. Sizes are weighed only when a call has
 * company: a lone call, the rule under light load, is never serialized here.
 */
function board(seats: Seat[]): Seat[] {
  if (seats.length === 1) return seats.splice(0, 1);
  let orders = 0;
  let chars = 0;
  let count = 0;
  for (const { request } of seats) {
    orders += request.orders.length;
    chars += charsOf(request);
    if (count > 0 && (orders > CARRIAGE_MAX_ORDERS || chars > CARRIAGE_MAX_CHARS)) break;
    count++;
  }
  return seats.splice(0, count);
}

/** About how many characters a call's orders take on their way: what decides a carriage's size. */
function charsOf(request: EnqueueRequest): number {
  return request.orders.reduce((sum, order) => sum + JSON.stringify(order).length, 0);
}
