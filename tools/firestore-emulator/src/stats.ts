/**
 * Operation counters for benchmarks, billed the way Firestore bills: a read per document
 * returned by get/batchGet/query/listen (a missing document and an empty query still cost one),
 * an aggregation costs one read per started batch of 1000 index entries it matched (at least
 * one), and every write or delete operation in a successful commit counts once.
 */
export class Stats {
  reads = 0;
  writes = 0;
  deletes = 0;
  private rpcs = new Map<string, number>();

  rpc(method: string): void {
    this.rpcs.set(method, (this.rpcs.get(method) ?? 0) + 1);
  }

  snapshot(): { reads: number; writes: number; deletes: number; rpcs: Record<string, number> } {
    return {
      reads: this.reads,
      writes: this.writes,
      deletes: this.deletes,
      rpcs: Object.fromEntries([...this.rpcs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.deletes = 0;
    this.rpcs = new Map();
  }
}
