/**
 * Group commit for a SQLite-backed Durable Object. A `transactionSync` at the root of the object's storage
 * commits when it returns, and a commit is a write to disk (an `fsync` locally; a round of replication on
 * Cloudflare) that costs far more than the SQL of one call. Work handed to a group while it is open is run
 * in one root transaction instead, so that one commit makes all of it durable.
 *
 * Each piece of work still stands alone: it runs in a savepoint of its own (a nested `transactionSync`), so a
 * piece that throws rolls back only its own writes and only its caller sees the error, and the pieces run one
 * after another in the order they came (not the order their asynchronous inputs resolved), each seeing the
 * writes of those before it, exactly as if each had been its own transaction. No caller hears back before
 * the commit is durable: the object's output gate holds every answer until then.
 *
 * A group opens when work comes and none is open, and closes at the next turn of the event loop, once the
 * calls that reached the object meanwhile joined it. Nothing is scheduled while no work comes.
 */
export class CommitGroup<T = unknown> {
  private pending: Pending<T>[] = [];
  /** The last group's commit: groups commit in the order they opened, whichever's inputs resolve first. */
  private previous: Promise<void> = Promise.resolve();

  /**
   * @param committed Told once per group, after its commit and before any caller hears back, the values of
   * the work that committed (in order) and how many pieces the group had: one log line for a group instead
   * of one per call, whose writing costs more than a call's SQL.
   */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly committed?: (values: T[], group: number) => void,
  ) {}

  /**
   * Runs `work` (synchronous SQL) in the open group, or in a new one, once `input` (e.g. hashes, which are
   * asynchronous) resolved; answers its value and how many pieces of work shared the commit, or rejects with
   * what it or `input` threw. Work runs in the order `run` was called, whenever its input resolves.
   *
   * @example
   * const { value: ids, group } = await commits.run(fingerprintsOf(call), (prints) => store.insert(call, prints));
   */
  run<I>(input: Promise<I>, work: (input: I) => T): Promise<{ value: T; group: number }> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setTimeout(() => this.close(), 0);
      // Unhandled until the commit reads it: a rejection here is the caller's answer, not an accident.
      input.catch(() => {});
      this.pending.push({ input, work: work as Pending<T>["work"], resolve, reject });
    });
  }

  private close(): void {
    const group = this.pending;
    this.pending = [];
    this.previous = this.previous.then(() => this.commit(group));
  }

  private async commit(group: Pending<T>[]): Promise<void> {
    const inputs = await Promise.allSettled(group.map(({ input }) => input));
    let outcomes: ({ ok: true; value: T } | { ok: false; error: unknown })[];
    try {
      outcomes = this.storage.transactionSync(() =>
        group.map(({ work }, index) => {
          const input = inputs[index]!;
          if (input.status === "rejected") return { ok: false as const, error: input.reason };
          try {
            return { ok: true as const, value: this.storage.transactionSync(() => work(input.value)) };
          } catch (error) {
            return { ok: false as const, error };
          }
        }),
      );
    } catch (error) {
      // The commit itself failed: nothing of the group is stored, so every caller must hear it.
      for (const { reject } of group) reject(error);
      return;
    }
    try {
      this.committed?.(
        outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : [])),
        group.length,
      );
    } catch {
      // What is committed is answered, whatever became of a report of it.
    }
    for (const [index, outcome] of outcomes.entries()) {
      const { resolve, reject } = group[index]!;
      if (outcome.ok) resolve({ value: outcome.value, group: group.length });
      else reject(outcome.error);
    }
  }
}

interface Pending<T> {
  input: Promise<unknown>;
  work: (input: unknown) => T;
  resolve: (answer: { value: T; group: number }) => void;
  reject: (error: unknown) => void;
}
