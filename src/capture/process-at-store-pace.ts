// The recording worker's intake: exchanges arrive as raw bytes and are made into records only as
// fast as the store takes them, a batch at a time. A record is several times the size of its raw
// bytes (strings, the conversation, the ShareGPT row), so making records ahead of the store filled
// the worker's heap (and the writer's queue, which then overflowed into its spool) while the proxy
// kept handing more over. Here what waits stays raw and is not reported processed: the proxy's
// count of unprocessed bytes grows, and past its high-water mark the capture journal keeps new
// exchanges on disk (capture-journal.ts, "Behind"). Past `maxWaitingBytes`, or with it 0 (no
// journal holding the backlog), exchanges are processed regardless, and the writer's own bounds
// (its queue, then its spool) apply.

export interface StorePace {
  /** Resolves once the writer has room for another batch (BatchWriter.roomForBatch). */
  roomForBatch(): Promise<void>;
}

export interface ProcessAtStorePaceOptions<Item> {
  writer: StorePace;
  /** Makes one item into a record and enqueues it; must not throw. */
  process(item: Item): void;
  /** The item's size as the proxy counted it when handing it over. */
  bytesOf(item: Item): number;
  /** Items made into records per turn: the writer's batch. */
  batchSize: number;
  /** Reports the bytes of the items just processed (the proxy's backlog shrinks by as much). */
  onProcessed(bytes: number): void;
  /** Held raw beyond this many bytes, items are processed without waiting for the writer (0: never held). */
  maxWaitingBytes?: number;
}

export interface StorePacedIntake<Item> {
  accept(items: readonly Item[]): void;
  /** Resolves once every item accepted before the call has been processed (enqueued in the writer). */
  processedSoFar(): Promise<void>;
  /** Items accepted and not processed yet. */
  waiting(): number;
}

const DEFAULT_MAX_WAITING_BYTES = 64 * 1024 * 1024;

export function processAtStorePace<Item>(options: ProcessAtStorePaceOptions<Item>): StorePacedIntake<Item> {
  const maxWaitingBytes = options.maxWaitingBytes ?? DEFAULT_MAX_WAITING_BYTES;
  const queue: Item[] = [];
  let queueBytes = 0;
  let pumping = false;
  let accepted = 0;
  let processed = 0;
  let waiters: Array<{ through: number; resolve: () => void }> = [];

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        if (maxWaitingBytes > 0 && queueBytes <= maxWaitingBytes) await options.writer.roomForBatch();
        let bytes = 0;
        for (let count = 0; count < options.batchSize && queue.length > 0; count++) {
          const item = queue.shift()!;
          const size = options.bytesOf(item);
          queueBytes -= size;
          bytes += size;
          options.process(item);
          processed++;
        }
        options.onProcessed(bytes);
        const ready = waiters.filter((waiter) => waiter.through <= processed);
        waiters = waiters.filter((waiter) => waiter.through > processed);
        for (const waiter of ready) waiter.resolve();
      }
    } finally {
      pumping = false;
    }
  };

  return {
    accept(items) {
      for (const item of items) {
        queue.push(item);
        queueBytes += options.bytesOf(item);
        accepted++;
      }
      void pump();
    },
    processedSoFar() {
      const through = accepted;
      if (processed >= through) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ through, resolve }));
    },
    waiting: () => queue.length,
  };
}
