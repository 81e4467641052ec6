/**
 * Command propagation (Redis's alsoPropagate / propagatePendingCommands): what a write does to
 * the dataset, as a deterministic command stream for the append-only file (and replicas, if
 * mnemo ever has them). A write command is propagated as it was sent unless its handler
 * rewrote it (SET ... EX 10 -> SET ... PXAT <abs-ms>, SPOP -> SREM, BLPOP -> LPOP, ...), added
 * more commands, or prevented it. Deletions by expiry are propagated as DEL. Everything one
 * top-level command produces goes out together, wrapped in MULTI/EXEC when it is more than
 * one command, as Redis 7.0 does.
 */

/** Receives the command stream (the AOF writer). */
export interface PropagationTarget {
  /** `ops` run in database `db` each; called once per top-level command or expiry. */
  propagate(ops: ReadonlyArray<{ db: number; argv: string[] }>): void;
}

export class Propagation {
  target: PropagationTarget | null = null;
  private pending: Array<{ db: number; argv: string[] }> = [];
  /** Nesting of top-level executions (EXEC runs commands inside one). */
  depth = 0;

  get active(): boolean {
    return this.target !== null;
  }

  add(db: number, argv: string[]): void {
    if (this.target !== null) this.pending.push({ db, argv });
  }

  /**
   * Sends what accumulated, wrapping several commands in MULTI/EXEC unless `transaction` is
   * false (the active-expire cycle's DELs, which Redis sends unwrapped: propagate_no_multi).
   */
  flush(transaction = true): void {
    const target = this.target;
    if (target === null || this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    if (ops.length === 1 || !transaction) {
      target.propagate(ops);
      return;
    }
    target.propagate([
      { db: ops[0]!.db, argv: ['MULTI'] },
      ...ops,
      { db: ops[ops.length - 1]!.db, argv: ['EXEC'] },
    ]);
  }
}
