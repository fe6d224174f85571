// The list's export verdicts, remembered per store. Judging a record runs the export's pipeline on
// it (a lossless parse of a whole agent history, repair, validation: most of a list page's time),
// and the review UI asks for the same pages again and again (polling, paging back). A verdict is a
// pure function of what the key holds: the record's bodies and outcome never change under its id,
// so what can change it is the human edit (keyed by its content, whoever made it) and the
// converter a rebuild applied (keyed by its version). Review state, tags and notes do not enter.
import { createHash } from 'node:crypto';
import type { StoredExchange } from '../capture/exchange.js';
import type { Store } from '../store/store.js';
import type { ExportVerdict } from './api-types.js';

const MAX_ENTRIES = 10_000;

class VerdictCache {
  readonly #entries = new Map<string, ExportVerdict>();

  verdictOf(record: StoredExchange, judge: (record: StoredExchange) => ExportVerdict): ExportVerdict {
    const key = keyOf(record);
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached;
    const verdict = judge(record);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, verdict);
    return verdict;
  }
}

function keyOf(record: StoredExchange): string {
  const edit = record.editedSharegpt === null ? '-' : createHash('sha1').update(JSON.stringify(record.editedSharegpt)).digest('base64');
  return `${record.id} ${record.converterVersion} ${edit}`;
}

const caches = new WeakMap<Store, VerdictCache>();

/** The cache of this store's verdicts (one per store instance: two databases never share one). */
export function verdictCacheOf(store: Store): VerdictCache {
  let cache = caches.get(store);
  if (cache === undefined) {
    cache = new VerdictCache();
    caches.set(store, cache);
  }
  return cache;
}
