// How the SQLite store keeps a thread key (ExchangeRecord.parentKey / selfKey) in `exchanges`:
// a key of 32 lowercase hex digits (what conversation/thread-key.ts makes) as its 16 bytes, a
// BLOB; any other key as TEXT, unchanged. Half the bytes in the row and in the exchanges_self_key
// index (about 45 bytes per record on the bench mix), and exact: only keys whose hex spelling
// Buffer.toString('hex') gives back are stored as bytes.
//
// Rows written before migration 13 hold their hex keys as TEXT, and are left so (converting them
// rewrites every row, about 10 s per million records on this machine, and frees no page without
// a VACUUM). A key is read back from either form, and a lookup of a hex key tries both
// (keyFormsOf): TEXT and BLOB values never compare equal in SQLite.

const HEX_KEY = /^[0-9a-f]{32}$/;

export type KeyColumn = Buffer | string;

/** The value stored for a key. */
export function keyColumnOf(key: string): KeyColumn;
export function keyColumnOf(key: string | null): KeyColumn | null;
export function keyColumnOf(key: string | null): KeyColumn | null {
  if (key === null) return null;
  return HEX_KEY.test(key) ? Buffer.from(key, 'hex') : key;
}

/** The key a stored value (of either form) stands for. */
export function keyFromColumn(value: KeyColumn | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : value.toString('hex');
}

/**
 * The values a lookup of a key must try: its stored form, and for a hex key also the TEXT form a
 * row written before migration 13 holds.
 */
export function keyFormsOf(key: string): KeyColumn[] {
  const stored = keyColumnOf(key);
  return typeof stored === 'string' ? [stored] : [stored, key];
}
