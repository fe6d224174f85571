// One record's scan for the review UI (stored by the background scanner, record-scanner.ts): the
// privacy findings of the row the export writes (the edit when there is one, else the derived
// row), counted per kind, and the MinHash signature and LSH band keys of its turns, computed as
// the export's near-dedup computes them (export/dedup/deduplicate-records.ts turnText), so a
// record's near-duplicates in the UI are the records the export would group with it.
import { derivedShareGptOf } from '../capture/derive-stored.js';
import { createHash } from 'node:crypto';
import { PERMUTATIONS, shingleHashes, signatureOf, wordsOf } from '../export/dedup/minhash.js';
import { bandHashes } from '../export/dedup/near-index.js';
import { turnText } from '../export/dedup/deduplicate-records.js';
import type { StoredExchange } from '../store/exchange-record.js';
import type { RecordScan } from '../store/store.js';
import { findingsOfShareGptRow } from './row-findings.js';

/**
 * Bands stored per record: the first 16 of the export's 32 (near-index.ts). Each stored band is
 * two index entries, so the count is what a scan costs on disk; with bands of 4 rows, two records
 * of similarity 0.8 (the default threshold) still share one with probability 1-(1-0.8^4)^16 =
 * 0.9998 (0.7: 0.988), and candidates are then compared on the whole signature.
 */
export const STORED_BANDS = 16;

/**
 * Stored with each scan; a scan by another version is redone. Bump it when the findings rules or
 * the MinHash parameters change (the secretlint preset is pinned in package.json).
 */
export const SCANNER_VERSION = `findings-1/minhash-oph-${PERMUTATIONS}/sig16/bands${STORED_BANDS}`;

/**
 * The version a scan is stored under: with an allowlist, its entries are part of it, so changing
 * config.json's `export.privacy.allowlist` rescans every record.
 */
export function scannerVersionFor(allowlist: readonly string[]): string {
  if (allowlist.length === 0) return SCANNER_VERSION;
  return `${SCANNER_VERSION}/allow-${createHash('sha256').update(JSON.stringify(allowlist)).digest('hex').slice(0, 12)}`;
}

export async function scanRecord(record: StoredExchange, allowlist: readonly string[] = []): Promise<RecordScan> {
  const row = record.editedSharegpt ?? derivedShareGptOf(record);
  const findings = await findingsOfShareGptRow(row, allowlist);
  const secrets = findings.kinds.secret ?? 0;
  const shingles = row === null ? new Uint32Array(0) : shingleHashes(wordsOf(turnText('sharegpt', row)));
  const signature = shingles.length === 0 ? null : signatureOf(shingles);
  return {
    id: record.id,
    secrets,
    personal: findings.count - secrets,
    kinds: findings.kinds as Record<string, number>,
    scannerVersion: scannerVersionFor(allowlist),
    signature: signature === null ? null : signatureToBytes(signature),
    bandKeys: signature === null ? [] : bandKeys(signature),
  };
}

/**
 * The low 16 bits of each signature value, little-endian (the same in every process): 256 bytes
 * instead of 512. Two different minimums agree in their low 16 bits with probability 2^-16, so
 * the share of equal positions estimates the similarity as before (by at most 128 / 65,536 more).
 */
export function signatureToBytes(signature: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(signature.length * 2);
  const view = new DataView(bytes.buffer);
  signature.forEach((value, index) => view.setUint16(index * 2, value & 0xffff, true));
  return bytes;
}

function signatureFromBytes(bytes: Uint8Array): Uint16Array | null {
  if (bytes.byteLength !== PERMUTATIONS * 2) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint16Array.from({ length: PERMUTATIONS }, (_, index) => view.getUint16(index * 2, true));
}

/** Estimated Jaccard similarity of two stored signatures; null when either is not a signature of this version. */
export function storedSimilarity(a: Uint8Array, b: Uint8Array): number | null {
  const left = signatureFromBytes(a);
  const right = signatureFromBytes(b);
  if (left === null || right === null) return null;
  let equal = 0;
  for (let index = 0; index < PERMUTATIONS; index += 1) if (left[index] === right[index]) equal += 1;
  return equal / PERMUTATIONS;
}

/**
 * The first STORED_BANDS of the export's LSH bands (near-index.ts bandHashes) as store keys: the
 * 32-bit band hash, which has the band number mixed in, as a signed integer (4 bytes in SQLite).
 */
function bandKeys(signature: Uint32Array): number[] {
  return Array.from(bandHashes(signature).subarray(0, STORED_BANDS), (hash) => hash | 0);
}
