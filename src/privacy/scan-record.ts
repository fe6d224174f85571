// One record's scan for the review UI (stored by the background scanner, record-scanner.ts): the
// privacy findings of the row the export writes (the edit when there is one, else the derived
// row), counted per kind, and the MinHash signature and LSH band keys of its turns, computed as
// the export's near-dedup computes them (export/dedup/deduplicate-records.ts turnText), so a
// record's near-duplicates in the UI are the records the export would group with it.
import { createHash } from 'node:crypto';
import { PERMUTATIONS, shingleHashes, signatureOf, similarity, wordsOf } from '../export/dedup/minhash.js';
import { bandHashes } from '../export/dedup/near-index.js';
import { turnText } from '../export/dedup/deduplicate-records.js';
import type { StoredExchange } from '../store/exchange-record.js';
import type { RecordScan } from '../store/store.js';
import { findingsOfShareGptRow } from './row-findings.js';

/**
 * Stored with each scan; a scan by another version is redone. Bump it when the findings rules or
 * the MinHash parameters change (the secretlint preset is pinned in package.json).
 */
export const SCANNER_VERSION = `findings-1/minhash-oph-${PERMUTATIONS}`;

/**
 * The version a scan is stored under: with an allowlist, its entries are part of it, so changing
 * config.json's `export.privacy.allowlist` rescans every record.
 */
export function scannerVersionFor(allowlist: readonly string[]): string {
  if (allowlist.length === 0) return SCANNER_VERSION;
  return `${SCANNER_VERSION}/allow-${createHash('sha256').update(JSON.stringify(allowlist)).digest('hex').slice(0, 12)}`;
}

export async function scanRecord(record: StoredExchange, allowlist: readonly string[] = []): Promise<RecordScan> {
  const row = record.editedSharegpt ?? record.sharegpt;
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

/** Little-endian bytes, whatever the machine's order, so every process reads the same signature. */
export function signatureToBytes(signature: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(signature.length * 4);
  const view = new DataView(bytes.buffer);
  signature.forEach((value, index) => view.setUint32(index * 4, value, true));
  return bytes;
}

export function signatureFromBytes(bytes: Uint8Array): Uint32Array | null {
  if (bytes.byteLength !== PERMUTATIONS * 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: PERMUTATIONS }, (_, index) => view.getUint32(index * 4, true));
}

/** Estimated Jaccard similarity of two stored signatures; null when either is not a signature of this version. */
export function storedSimilarity(a: Uint8Array, b: Uint8Array): number | null {
  const left = signatureFromBytes(a);
  const right = signatureFromBytes(b);
  return left === null || right === null ? null : similarity(left, right);
}

/** The export's LSH bands (near-index.ts bandHashes) as store keys: the band number above the 32-bit hash, so bands never collide. */
function bandKeys(signature: Uint32Array): number[] {
  return Array.from(bandHashes(signature), (hash, band) => band * 4_294_967_296 + hash);
}
