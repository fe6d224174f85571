// The store options the recording side opens its store with (worker thread or inline).
import type { OpenStoreOptions } from '../store/open-store.js';
import type { RecordingWorkerData } from './worker-messages.js';

export function storeOptionsOf(data: Pick<RecordingWorkerData, 'storeOptions' | 'busyTimeoutMs' | 'restarted'>): OpenStoreOptions {
  return {
    ...data.storeOptions,
    postgres: { ...data.storeOptions?.postgres, ...(data.restarted === true ? { openWhileUnavailable: true } : {}) },
    sqlite: { ...data.storeOptions?.sqlite, ...(data.busyTimeoutMs !== undefined ? { busyTimeoutMs: data.busyTimeoutMs } : {}) },
  };
}
