// The record type lives with the store (src/store/exchange-record.ts), which owns it; this
// re-export keeps capture-side imports short and older imports compiling.
export type { ApiKind, ExchangeRecord, ReviewState, StoredExchange } from '../store/exchange-record.js';
