// The secret scanner: @secretlint/core 12 with the rules of
// @secretlint/secretlint-rule-preset-recommend 12 (https://github.com/secretlint/secretlint), the
// one place that knows secretlint. Every rule of the preset runs, registered one by one instead of
// through the preset so that two things change:
//   - `secretlint-rule-filter-comments` is left out: a "secretlint-disable" comment inside a
//     recorded conversation is text an agent read, not an instruction to us;
//   - the AWS rule also reports access key ids (`enableIDScanRule`), not only secret keys.
//
// lintSource costs about half a millisecond per call whatever the text's size (rule set-up), so
// the texts of one record are scanned as one source, joined by a separator no rule matches across
// (rules stop at whitespace or need a whole key block); a report that spans a separator, or a
// JSON-file rule (GCP service-account keys), is re-checked on the single texts concerned.
//
// Before any of that, a text no rule can report (secret-candidates.ts: none of the rules' literal
// anchors in it) is not handed to secretlint: most texts of a record are such texts.
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { mayHoldSecret } from './secret-candidates.js';

// The types from lintSource itself: @secretlint/types is not a dependency of ours.
type SecretLintCoreConfig = Parameters<typeof lintSource>[0]['options']['config'];
type SecretLintCoreResultMessage = Awaited<ReturnType<typeof lintSource>>['messages'][number];

export interface SecretHit {
  /** Stable, short rule name for reports and placeholders: `github-token`, `aws-secret-access-key`. */
  rule: string;
  /** The secretlint rule id, e.g. `@secretlint/secretlint-rule-github`. */
  ruleId: string;
  /** The secret itself, as it appears in the text. */
  value: string;
}

// lintSource marks about 30 performance entries per call into @secretlint/profiler (core's own
// dependency, pinned to 12.0.0), which keeps every entry and measures each end mark by name, a
// search through all marks so far: an export of a few thousand records slowed to minutes per
// thousand. Nothing here reads the profile, so its marks are switched off for this process.
secretLintProfiler.mark = (): void => undefined;

const LEFT_OUT = new Set(['@secretlint/secretlint-rule-filter-comments']);
const RULE_OPTIONS: Record<string, Record<string, unknown>> = {
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
};

const CONFIG: SecretLintCoreConfig = {
  rules: recommendedRules
    .filter((rule) => !LEFT_OUT.has(rule.meta.id))
    .map((rule) => ({ id: rule.meta.id, rule, options: RULE_OPTIONS[rule.meta.id] ?? {} })),
};

/** The secretlint rule ids that run, for the README and the report. */
export const SECRET_RULE_IDS: readonly string[] = CONFIG.rules.map((rule) => rule.id);

const SEPARATOR = '\n\n\u0000\u0000\n\n';

// Long texts that come back in record after record (an agent's system prompt, its tool schemas)
// are scanned once: their hits are kept, up to CACHE_ENTRIES texts, the oldest dropped first.
const CACHE_MIN_LENGTH = 1_000;
const CACHE_ENTRIES = 256;
const cache = new Map<string, SecretHit[]>();

/** Scans each text; the result has one list of hits per text, in the same order. */
export async function scanForSecrets(texts: readonly string[]): Promise<SecretHit[][]> {
  const hits: SecretHit[][] = texts.map(() => []);
  const pending: number[] = [];
  for (const [index, text] of texts.entries()) {
    if (!mayHoldSecret(text)) continue;
    const cached = text.length >= CACHE_MIN_LENGTH ? cache.get(text) : undefined;
    if (cached === undefined) pending.push(index);
    else hits[index] = cached.map((hit) => ({ ...hit }));
  }
  if (pending.length === 0) return hits;
  const scanned = await scanWithoutPrefilter(pending.map((index) => texts[index]!));
  for (const [position, index] of pending.entries()) {
    const text = texts[index]!;
    hits[index] = scanned[position]!;
    if (text.length >= CACHE_MIN_LENGTH) {
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(text, scanned[position]!.map((hit) => ({ ...hit })));
    }
  }
  return hits;
}

/** Every text through secretlint, without the prefilter or the cache (and for secret-candidates.test.ts). */
export async function scanWithoutPrefilter(texts: readonly string[]): Promise<SecretHit[][]> {
  const hits: SecretHit[][] = texts.map(() => []);
  if (texts.length === 0) return hits;
  const starts: number[] = [];
  let offset = 0;
  for (const text of texts) {
    starts.push(offset);
    offset += text.length + SEPARATOR.length;
  }
  const joined = texts.join(SEPARATOR);
  const recheck = new Set<number>();
  for (const message of await lint(joined, '.txt')) {
    const first = indexAt(starts, message.range[0]);
    const last = indexAt(starts, Math.max(message.range[0], message.range[1] - 1));
    const value = secretValueOf(message, joined);
    if (first !== last || value.includes(SEPARATOR)) {
      for (let index = first; index <= last; index += 1) recheck.add(index);
      continue;
    }
    hits[first]!.push(hitOf(message, value));
  }
  for (const [index, text] of texts.entries()) {
    // GCP service-account key files are recognised as whole JSON documents only.
    if (text.includes('private_key_id') && text.trimStart().startsWith('{')) recheck.add(index);
  }
  for (const index of recheck) {
    const text = texts[index]!;
    const single = [...(await lint(text, '.txt')), ...(text.trimStart().startsWith('{') ? await lint(text, '.json') : [])];
    hits[index] = dedupe([...hits[index]!, ...single.map((message) => hitOf(message, secretValueOf(message, text)))]);
  }
  return hits;
}

async function lint(content: string, ext: '.txt' | '.json'): Promise<SecretLintCoreResultMessage[]> {
  const result = await lintSource({
    // No file name: the npm rule then checks for package.json-style tokens too.
    source: { content, filePath: '', ext, contentType: 'text' },
    options: { config: CONFIG, noPhysicFilePath: true, maskSecrets: false },
  });
  return result.messages;
}

/**
 * The secret a message reports. Some rules report a range that starts at the key name rather than
 * at the value (the AWS secret-key rule: `[index of the match, + length of the value]`), so the
 * value is taken from the message data when it is found in the text, else from the range.
 */
function secretValueOf(message: SecretLintCoreResultMessage, content: string): string {
  const data = (message.data ?? {}) as Record<string, unknown>;
  const candidates = Object.values(data)
    .filter((value): value is string => typeof value === 'string' && value.length >= 8 && content.includes(value))
    .sort((a, b) => b.length - a.length);
  return candidates[0] ?? content.slice(message.range[0], message.range[1]);
}

function hitOf(message: SecretLintCoreResultMessage, value: string): SecretHit {
  return { rule: ruleNameOf(message), ruleId: message.ruleId, value };
}

/** `GITHUB_TOKEN` -> `github-token`, `AWSSecretAccessKey` -> `aws-secret-access-key`. */
export function ruleNameOf(message: Pick<SecretLintCoreResultMessage, 'messageId' | 'ruleId'>): string {
  const id = message.messageId || message.ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

function indexAt(starts: readonly number[], position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= position) low = middle;
    else high = middle - 1;
  }
  return low;
}

function dedupe(hits: SecretHit[]): SecretHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = `${hit.rule}\u0000${hit.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
