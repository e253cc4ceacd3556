/**
 * Which changes go in the next upstream request, pure. The outbox hands it the ready changes (queued, due,
 * each the oldest unsettled change of its deal) of its two origins, the one whose turn it is first.
 */
import type { ChangeKind } from "@calltouch-gateway/contract";

/** What batch choice needs of a ready change. */
export interface Candidate {
  id: number;
  /** What it goes as (`routeOf`): each request carries one kind. */
  sentAs: ChangeKind;
  /** After a request was refused as a whole: the most orders a request carrying it may hold. */
  cap: number | null;
  acceptedAt: number;
  /** When it became due: its acceptance, or the end of its last backoff. */
  dueAt: number;
}

/** How long a batch that is not full waits for more (`BATCH_LINGER_MS`, `BATCH_LINGER_MAX_MS`). */
export interface Linger {
  ms: number;
  maxMs: number;
}

export interface Batch<T extends Candidate> {
  sentAs: ChangeKind;
  changes: T[];
  /** How long to wait before sending it, for more changes to join; 0: send it now. */
  lingerMs: number;
}

/**
 * The next request. Its kind is that of the oldest change of `turn` (the origin whose turn it is); a
 * fuller batch of another kind may go ahead only while that one still lingers, so that a few changes of
 * one kind cannot starve behind a stream of another. Room left is filled with `other`'s changes of the
 * same kind, so that neither origin waits for a request the other does not fill. Changes of a batch that
 * Calltouch refused as a whole go in halves (`cap`), at once, until the bad order goes alone. `arrivals`:
 * when the latest changes were accepted, whatever became of them (see `lingerFor`), read only for a batch
 * that is not full.
 *
 * @example chooseBatch(readyDeals, readyLeads, 100, { ms: 200, maxMs: 5000 }, Date.now(), () => store.arrivals(100))
 */
export function chooseBatch<T extends Candidate>(
  turn: readonly T[],
  other: readonly T[],
  batchSize: number,
  linger: Linger,
  now: number,
  arrivals: () => readonly number[] = () => [],
): Batch<T> | undefined {
  const [first, second] = turn.length > 0 ? [turn, other] : [other, turn];
  const head = first[0];
  if (!head) return undefined;
  if (head.cap !== null) {
    const halves = [...first, ...second].filter((change) => change.cap === head.cap && change.sentAs === head.sentAs);
    return { sentAs: head.sentAs, changes: halves.sort((a, b) => a.id - b.id).slice(0, head.cap), lingerMs: 0 };
  }
  const byKind = Map.groupBy(
    first.filter((change) => change.cap === null),
    (change) => change.sentAs,
  );
  let read: readonly number[] | undefined;
  const recent = () => (read ??= arrivals());
  const batchOf = (sentAs: ChangeKind) => {
    const own = (byKind.get(sentAs) ?? []).slice(0, batchSize);
    const fill = second.filter((change) => change.cap === null && change.sentAs === sentAs).slice(0, batchSize - own.length);
    const changes = [...own, ...fill];
    return { sentAs, changes, lingerMs: lingerFor(changes, batchSize, linger, now, recent) };
  };
  const oldest = batchOf(head.sentAs);
  if (oldest.lingerMs === 0) return oldest;
  const fuller = [...byKind.keys()]
    .filter((sentAs) => sentAs !== head.sentAs)
    .map(batchOf)
    .sort((a, b) => b.changes.length - a.changes.length)[0];
  return fuller && fuller.changes.length > oldest.changes.length ? fuller : oldest;
}

/**
 * How long a batch that is not full should wait for more changes: while it keeps growing, that is until
 * its pause (`pauseFor`) passes without a change joining it, but never past `linger.maxMs` after its first
 * change was due, so that a steady trickle cannot hold a caller's deal (or its `wait`) for long. Calls whose
 * changes cannot join it (of another kind, or behind an earlier change of their deal) do not hold it.
 *
 * @example lingerFor([change], 100, { ms: 200, maxMs: 5000 }, change.acceptedAt + 50) // 150
 */
export function lingerFor(
  changes: readonly Candidate[],
  batchSize: number,
  linger: Linger,
  now: number,
  arrivals: () => readonly number[] = () => [],
): number {
  if (changes.length === 0 || changes.length >= batchSize) return 0;
  const dueTimes = changes.map((change) => Math.max(change.acceptedAt, change.dueAt));
  const deadline = Math.min(...dueTimes) + linger.maxMs;
  const pause = pauseFor(arrivals(), batchSize - changes.length, linger, now, deadline);
  return Math.max(0, Math.min(Math.max(...dueTimes) + pause, deadline) - now);
}

/**
 * How long without a change joining a batch ends its wait: `linger.ms`, or, while changes arrive in groups,
 * twice the longest pause between the groups of the last `linger.maxMs`. Calls that share a commit
 * (`commit-group.ts`) are accepted at one instant and answered together, so their callers come back
 * together, a round trip later: that round trip, not the end of the stream, is the pause a batch then sees
 * (hundreds of ms when the gateway's CPU is the bottleneck, as in local development). It waits that long only
 * when the pace of `arrivals` (acceptance times of the latest changes, in any order) would bring the `room`
 * left before `deadline`: a trickle that cannot fill the batch in time keeps `linger.ms`, so a lone deal does not
 * wait for company that will not come.
 *
 * @example pauseFor([...Array(50).fill(0), ...Array(50).fill(600)], 50, { ms: 200, maxMs: 5000 }, 600, 5000) // 1200
 */
export function pauseFor(arrivals: readonly number[], room: number, linger: Linger, now: number, deadline: number): number {
  const recent = arrivals.filter((at) => at > now - linger.maxMs && at <= now);
  const moments = [...new Set(recent)].sort((a, b) => a - b);
  const first = moments[0];
  if (first === undefined || moments.length < 2 || now <= first) return linger.ms;
  const perMs = recent.length / (now - first);
  if (room / perMs > deadline - now) return linger.ms;
  const longest = Math.max(...moments.slice(1).map((at, index) => at - moments[index]!));
  return Math.max(linger.ms, 2 * longest);
}
