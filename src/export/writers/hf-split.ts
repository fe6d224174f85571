// Which split a conversation thread goes to in the Hugging Face folder: a seeded hash of the
// thread id, so every record of one thread (a session's successive requests) lands in the same
// split and a re-export with the same seed gives the same split. Pure.
import { createHash } from 'node:crypto';

export type HfSplit = 'train' | 'validation';

export function splitOfThread(threadId: string, seed: number, validationRatio: number): HfSplit {
  if (validationRatio <= 0) return 'train';
  const digest = createHash('sha256').update(`${seed}\u0000${threadId}`).digest();
  return digest.readUInt32BE(0) / 4_294_967_296 < validationRatio ? 'validation' : 'train';
}
