// The full-text index's rowids follow the records' id order, to the millisecond: a record's search
// entry gets a rowid in its id's band, [ms * BAND, (ms + 1) * BAND), where ms is the ULID's time
// part. Walking the index newest rowid first therefore meets records band by band in descending
// id order (ids of one millisecond may come in any order inside their band), and a search's first
// page can stop as soon as it holds a page and has finished the band it is in, instead of
// collecting and sorting every match (issue 13). Ids are ULIDs (the store's contract): their
// first ten Crockford base-32 characters are the time, so id order implies band order.
//
// Databases written before this scheme hold rowids 1, 2, 3, ... (below FIRST_BANDED_ROWID); the
// store then falls back to collecting every match until `rebuild` re-inserts their entries.

/**
 * Rowids per millisecond. ms * BAND stays below 2^53 (exact as a JS number) until 2109; more than
 * BAND records in one millisecond would spill into the next band (never seen: a batch of 500 takes
 * several ms to write).
 */
export const BAND = 2_048;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The ULID time (ms) of an id; ids that are not ULIDs give their first characters' rank anyway. */
export function idTimeMs(id: string): number {
  let time = 0;
  for (let index = 0; index < 10; index++) {
    const digit = CROCKFORD.indexOf((id[index] ?? '0').toUpperCase());
    time = time * 32 + Math.max(0, digit);
  }
  return time;
}

/** First rowid of an id's band. */
export function bandStart(id: string): number {
  return idTimeMs(id) * BAND;
}

/** Rowids below this were given by the old auto-increment. */
export const FIRST_BANDED_ROWID = BAND * 1_000_000_000; // 1970-01-12 in ms: no real record is older
