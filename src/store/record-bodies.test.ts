import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import {
  MAX_CHAIN_DEPTH,
  RequestCache,
  type RequestBase,
  decodeRequest,
  decodeShareGpt,
  encodeRequest,
  encodeShareGpt,
  needsBase,
  planChains,
  resolveRequests,
} from './record-bodies.js';

/** LEB128, as record-bodies.ts writes a splice's lengths. */
function varintBytes(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/** xorshift32: the same sequence on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

// Multi-byte characters on purpose: a shared prefix may end inside one (é = C3 A9, è = C3 A8).
const PIECES = ['retry ', 'backoff ', 'é', 'è', '请', '🐘', '"', '\\n', '{"role":"tool","content":"', '}', ' '];

function randomText(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

/** A child body: the parent's with a random edit (append in the middle, replace, delete, or all new). */
function mutate(random: () => number, parentText: string): string {
  // By code point: the bodies are UTF-8 text (a cut inside a surrogate pair is not).
  const parent = Array.from(parentText);
  const at = Math.floor(random() * (parent.length + 1));
  const keep = (from: number, to?: number): string => parent.slice(from, to).join('');
  switch (Math.floor(random() * 5)) {
    case 0:
      return keep(0, at) + randomText(random, 1 + Math.floor(random() * 400)) + keep(at);
    case 1:
      return keep(0, at) + randomText(random, 20) + keep(Math.min(parent.length, at + 30));
    case 2:
      return keep(0, at) + keep(Math.min(parent.length, at + 50));
    case 3:
      return randomText(random, 200);
    default:
      return parentText;
  }
}

describe('request bodies stored against their base', () => {
  it('reads back byte for byte across random sessions, every edit kind and UTF-8 boundaries', () => {
    const random = seeded(7);
    for (let session = 0; session < 40; session++) {
      let parentText = randomText(random, 50 + Math.floor(random() * 3_000));
      let base: RequestBase | null = null;
      for (let call = 0; call < 30; call++) {
        const text = call === 0 ? parentText : mutate(random, parentText);
        const bytes = Buffer.from(text, 'utf8');
        const encoded = encodeRequest(bytes, base);
        const decoded = decodeRequest(encoded.bytes, encoded.baseId === null ? null : base!.request);
        expect(decoded.equals(bytes)).toBe(true);
        expect(decoded.toString('utf8')).toBe(text);
        base = { id: `r${call}`, depth: encoded.depth, request: bytes };
        parentText = text;
      }
    }
  });

  it('stores a call that extends its parent in about what it adds', () => {
    const history = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'explain the retry backoff '.repeat(200) }] });
    const parent = Buffer.from(history);
    const child = Buffer.from(history.replace(']}', ',{"role":"assistant","content":"it doubles"}]}'));
    const encoded = encodeRequest(child, { id: 'p', depth: 0, request: parent });
    expect(encoded.baseId).toBe('p');
    expect(encoded.bytes.length).toBeLessThan(60);
    expect(decodeRequest(encoded.bytes, parent).equals(child)).toBe(true);
  });

  it("compresses what a call adds against the history before it: a tool result that echoes it costs a fraction", () => {
    const files = Array.from({ length: 12 }, (_unused, index) => `// src/stream/parser-${index}.ts\n  export function handle${index}(socket, buffer) { return retry(backoff(timeout), ${index}); }`);
    const history = (count: number): string => JSON.stringify({ model: 'm', messages: files.slice(0, count).map((content) => ({ role: 'tool', content })) });
    const parent = Buffer.from(history(11));
    const child = Buffer.from(history(12));
    const encoded = encodeRequest(child, { id: 'p', depth: 0, request: parent });
    const added = child.length - parent.length;
    // The middle alone (no context) takes about its own length; against the prefix, well under half.
    expect(encoded.bytes.length).toBeLessThan(added / 2);
    expect(decodeRequest(encoded.bytes, parent).equals(child)).toBe(true);
  });

  it('still reads a splice whose middle was compressed alone (written before contexts)', () => {
    const parent = Buffer.from('explain the retry backoff '.repeat(40));
    const middle = Buffer.from('and the socket buffer of the stream parser, '.repeat(6));
    const child = Buffer.concat([parent, middle]);
    const older = Buffer.concat([Buffer.from([0x10, ...varintBytes(parent.length), 0]), Buffer.from([0x02]), brotliCompressSync(middle)]);
    expect(decodeRequest(older, parent).equals(child)).toBe(true);
  });

  it('bounds the chain: a keyframe every MAX_CHAIN_DEPTH calls, so a read applies at most MAX_CHAIN_DEPTH - 1 splices', () => {
    let text = 'system prompt '.repeat(100);
    let base: RequestBase | null = null;
    const depths: number[] = [];
    for (let call = 0; call < 3 * MAX_CHAIN_DEPTH; call++) {
      text += ` turn ${call} `.repeat(5);
      const bytes = Buffer.from(text);
      const encoded = encodeRequest(bytes, base);
      depths.push(encoded.depth);
      base = { id: `r${call}`, depth: encoded.depth, request: bytes };
    }
    expect(Math.max(...depths)).toBe(MAX_CHAIN_DEPTH - 1);
    expect(depths.filter((depth) => depth === 0)).toHaveLength(3);
    expect(depths.slice(0, MAX_CHAIN_DEPTH + 1)).toEqual([...Array.from({ length: MAX_CHAIN_DEPTH }, (_, index) => index), 0]);
  });

  it('stores a body whole when the splice would leave out too little of it', () => {
    const parent = Buffer.from('a'.repeat(2_000));
    const child = Buffer.from('b'.repeat(2_000));
    const encoded = encodeRequest(child, { id: 'p', depth: 0, request: parent });
    expect(encoded.baseId).toBeNull();
    expect(encoded.depth).toBe(0);
    expect(needsBase(encoded.bytes)).toBe(false);
    expect(decodeRequest(encoded.bytes, null).equals(child)).toBe(true);
  });

  it('refuses to read a splice without its base, or against a base it does not fit', () => {
    const parent = Buffer.from('x'.repeat(3_000));
    const child = Buffer.from('x'.repeat(3_000) + 'y');
    const encoded = encodeRequest(child, { id: 'p', depth: 0, request: parent });
    expect(() => decodeRequest(encoded.bytes, null)).toThrow(/without its base/);
    expect(() => decodeRequest(encoded.bytes, Buffer.from('short'))).toThrow(/does not fit/);
  });
});

/** A thread of `length` request bodies r0 (a keyframe), r1, ... each stored against the one before. */
function chainOf(length: number): { bodies: Buffer[]; rows: Map<string, { baseId: string | null; request: Buffer }> } {
  const bodies = [Buffer.from('k'.repeat(4_000))];
  const rows = new Map<string, { baseId: string | null; request: Buffer }>();
  rows.set('r0', { baseId: null, request: encodeRequest(bodies[0]!, null).bytes });
  for (let index = 1; index < length; index++) {
    bodies.push(Buffer.concat([bodies[index - 1]!, Buffer.from(` step ${index}`)]));
    const encoded = encodeRequest(bodies[index]!, { id: `r${index - 1}`, depth: index - 1, request: bodies[index - 1]! });
    rows.set(`r${index}`, { baseId: encoded.baseId, request: encoded.bytes });
  }
  return { bodies, rows };
}

describe('chains of bases', () => {
  it('decodes each wanted body through its chain, reading only what the cache lacks', () => {
    const { bodies, rows } = chainOf(10);
    const cache = new RequestCache();
    // Only r9 read so far: the plan asks for its base, and so on down the chain.
    const partial = new Map([['r9', rows.get('r9')!]]);
    expect(planChains(['r9'], partial, cache).missing).toEqual(['r8']);
    const plan = planChains(['r9', 'r4'], rows, cache);
    expect(plan.missing).toEqual([]);
    const decoded = resolveRequests(['r9', 'r4'], rows, plan.known, cache);
    expect(decoded.get('r9')!.equals(bodies[9]!)).toBe(true);
    expect(decoded.get('r4')!.equals(bodies[4]!)).toBe(true);
    // Now cached: the next record of the thread needs nothing more than its own row.
    expect(planChains(['r9'], new Map([['r9', rows.get('r9')!]]), cache).missing).toEqual([]);
  });

  it('caches the wanted bodies only, not the bases decoded on the way down their chains', () => {
    const { bodies, rows } = chainOf(6);
    const cache = new RequestCache();
    // r5 is decoded through r4, which r4 being wanted too keeps for it: both come back exact.
    const decoded = resolveRequests(['r4', 'r5'], rows, new Map(), cache);
    expect(decoded.get('r4')!.equals(bodies[4]!)).toBe(true);
    expect(decoded.get('r5')!.equals(bodies[5]!)).toBe(true);
    expect(['r0', 'r1', 'r2', 'r3', 'r4', 'r5'].filter((id) => cache.get(id) !== undefined)).toEqual(['r4', 'r5']);
  });

  it('says which base is missing instead of reading back something else', () => {
    const parent = Buffer.from('p'.repeat(2_000));
    const child = encodeRequest(Buffer.from('p'.repeat(2_000) + '!'), { id: 'gone', depth: 0, request: parent });
    const rows = new Map([['child', { baseId: child.baseId, request: child.bytes }]]);
    expect(() => resolveRequests(['child'], rows, new Map(), new RequestCache())).toThrow(/base gone .* missing/);
  });

  it('keeps the cache within its byte budget, least recently used out first, and finds bases by thread key', () => {
    const cache = new RequestCache(10_000);
    cache.stored('01A', 'key-a', Buffer.alloc(4_000), 0);
    cache.stored('01B', 'key-b', Buffer.alloc(4_000), 3);
    cache.get('01A');
    cache.stored('01C', 'key-c', Buffer.alloc(4_000), 0);
    expect(cache.get('01B')).toBeUndefined();
    expect(cache.baseFor('key-a', '01Z')?.id).toBe('01A');
    expect(cache.baseFor('key-a', '01A')).toBeNull(); // a base precedes its child
    expect(cache.baseFor('key-b', '01Z')).toBeNull();
    cache.delete('01A');
    expect(cache.baseFor('key-a', '01Z')).toBeNull();
  });

  it('keeps only the latest body per self key and none without one: what baseFor can find', () => {
    const cache = new RequestCache(1_000_000);
    for (let index = 0; index < 1_000; index++) {
      cache.stored(`01A${String(index).padStart(4, '0')}`, 'same-ending', Buffer.alloc(200, index % 256), 0);
      cache.stored(`01B${String(index).padStart(4, '0')}`, null, Buffer.alloc(200), 0);
    }
    expect(cache.size()).toBe(1);
    expect(cache.baseFor('same-ending', '01Z')).toMatchObject({ id: '01A0999', request: Buffer.alloc(200, 999 % 256) });
    expect(cache.get('01A0998')).toBeUndefined();
    expect(cache.get('01B0999')).toBeUndefined();
  });

  it("gives an entry's whole cost back to the budget when it goes, so the budget does not drift", () => {
    const cache = new RequestCache(1_000_000);
    cache.stored('01A', 'key-a', Buffer.alloc(500), 0);
    cache.set('01R', Buffer.alloc(300));
    const held = cache.bytes();
    expect(held).toBeGreaterThan(800);
    cache.stored('01B', 'key-a', Buffer.alloc(500), 1); // replaces 01A
    expect(cache.bytes()).toBe(held);
    cache.delete('01B');
    cache.delete('01R');
    expect(cache.bytes()).toBe(0);
  });
});

describe('ShareGPT rows stored against their own bodies', () => {
  const request = Buffer.from(
    JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Résume ce texte 请解释 🐘 '.repeat(80) }, { role: 'assistant', content: 'ok '.repeat(300) }] }),
  );
  const response = Buffer.from(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Voilà: 🐘 '.repeat(120) } }] }));
  const row: ShareGptRow = {
    conversations: [
      { from: 'human', value: 'Résume ce texte 请解释 🐘 '.repeat(80) },
      { from: 'gpt', value: 'ok '.repeat(300) },
      { from: 'gpt', value: 'Voilà: 🐘 '.repeat(120) },
    ],
  } as ShareGptRow;

  it('round-trips exactly and costs a fraction of the row', () => {
    const encoded = encodeShareGpt(row, { request, response });
    expect(decodeShareGpt(encoded, { request, response })).toEqual(row);
    expect(encoded.length).toBeLessThan(Buffer.byteLength(JSON.stringify(row)) / 10);
  });

  it('fails on the wrong origin (checksum) rather than reading back a different row', () => {
    const encoded = encodeShareGpt(row, { request, response });
    const other = Buffer.from(request.toString('utf8').replace('Résume', 'Resume'));
    expect(() => decodeShareGpt(encoded, { request: other, response })).toThrow(/corrupt delta \(checksum\)/);
  });
});
