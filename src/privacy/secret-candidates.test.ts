// The prefilter may let through texts secretlint then does not report, never the reverse: every
// rule that runs has anchors, every rule reports an example that its own anchors (and the combined
// test) let through, and no variant of those examples that secretlint reports is skipped.
import { describe, expect, it } from 'vitest';
import { seededRandom, seededSecrets } from './__fixtures__/seeded-values.js';
import { mayHoldSecret, SECRET_RULE_ANCHORS } from './secret-candidates.js';
import { scanForSecrets, scanWithoutPrefilter, SECRET_RULE_IDS } from './secretlint-scanner.js';

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
function chars(random: () => number, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let index = 0; index < length; index += 1) out += alphabet[Math.floor(random() * alphabet.length)]!;
  return out;
}

/** Shapes seeded-values.ts does not build: the other patterns of rules that have several. */
function extraExamples(seed: number): string[] {
  const random = seededRandom(seed + 77);
  const digits = '0123456789';
  const base64 = `${ALNUM}+/`;
  return [
    `AWS_ACCOUNT_ID = ${chars(random, 4, digits)}-${chars(random, 4, digits)}-${chars(random, 4, digits)}`,
    `"accountId": "${chars(random, 12, digits)}"`,
    `github: ${['github', 'pat'].join('_')}_${chars(random, 82)}`,
    `legacy key ${['sk', chars(random, 20)].join('-')}T3BlbkFJ${chars(random, 20)}`,
    `"repository": "https://${chars(random, 20)}:x-oauth-basic@github.com/acme/app.git"`,
    `OP_SERVICE_ACCOUNT_TOKEN=ops_${opsToken(random)}`,
    `GRAFANA_CLOUD=glc_${Buffer.from(JSON.stringify({ o: chars(random, 6, digits), n: chars(random, 30), k: chars(random, 24) })).toString('base64')}`,
    `VAULT_BATCH=hvb.${chars(random, 150, `${ALNUM}_-`)}`,
    `VAULT_RECOVERY=hvr.${chars(random, 95)}`,
    `shopify ${['shppa', chars(random, 32, '0123456789abcdef')].join('_')}`,
    `deploy with ${['vca', chars(random, 30)].join('_')} now`,
    `//registry.npmjs.org/:_authToken=${chars(random, 36, base64)}`,
    `https://hooks.SLACK.com/services/T${chars(random, 9)}/B${chars(random, 9)}/${chars(random, 24)}`,
    `JDBC=jdbc:MySQL://admin:${chars(random, 12)}@db.internal:3306/app`,
  ];
}

/** A 1Password service-account token: base64 of a JSON object whose last byte starts a group (`fQ==`). */
function opsToken(random: () => number): string {
  const fields = { email: `${chars(random, 12)}@example.com`, secretKey: chars(random, 60), srpX: chars(random, 40, '0123456789abcdef'), pad: '' };
  while (JSON.stringify(fields).length % 3 !== 1) fields.pad += 'x';
  return Buffer.from(JSON.stringify(fields)).toString('base64');
}

function examples(): string[] {
  return [1, 2, 3].flatMap((seed) => [...seededSecrets(seed).map((entry) => entry.text), ...extraExamples(seed)]);
}

/** The same secret as a tool result, JSON-escaped, in a longer prose, behind a prefix and so on. */
function variants(text: string): string[] {
  return [
    text,
    JSON.stringify(text),
    `The tool printed:\n\n${text}\n\nand then stopped.`,
    `${text} ${text}`,
    `x${text}`,
    `(${text})`,
    `'${text}'`,
    text.replace(/\n/g, '\r\n'),
    text.replace(/\n/g, '\\n'),
    text.toUpperCase(),
    text.toLowerCase(),
  ];
}

describe('mayHoldSecret', () => {
  it('has anchors for every rule that runs, and for nothing else', () => {
    expect(Object.keys(SECRET_RULE_ANCHORS).sort()).toEqual([...SECRET_RULE_IDS].sort());
  });

  it("lets through an example of every rule, by that rule's own anchors", async () => {
    const texts = examples();
    const hits = await scanWithoutPrefilter(texts);
    const reported = new Set<string>();
    for (const [index, text] of texts.entries()) {
      for (const hit of hits[index]!) {
        reported.add(hit.ruleId);
        expect(SECRET_RULE_ANCHORS[hit.ruleId]!.anchors.test(text), `${hit.ruleId} in ${JSON.stringify(text.slice(0, 80))}`).toBe(true);
      }
      if (hits[index]!.length > 0) expect(mayHoldSecret(text)).toBe(true);
    }
    // Every rule reported at least one of the examples: each is checked against a real hit.
    expect([...reported].sort()).toEqual([...SECRET_RULE_IDS].sort());
  });

  it('never skips a variant of the examples that secretlint reports', async () => {
    const texts = examples().flatMap(variants);
    const hits = await scanWithoutPrefilter(texts);
    let reported = 0;
    for (const [index, text] of texts.entries()) {
      if (hits[index]!.length === 0) continue;
      reported += 1;
      expect(mayHoldSecret(text), JSON.stringify(text.slice(0, 120))).toBe(true);
    }
    expect(reported).toBeGreaterThan(texts.length / 2);
  });

  it('skips ordinary prose and code, which is what makes the scan cheap', () => {
    const random = seededRandom(5);
    const words = 'the retry backoff timeout socket buffer stream parser token cache index query schema function return value'.split(' ');
    const prose = Array.from({ length: 400 }, () => words[Math.floor(random() * words.length)]!).join(' ');
    expect(mayHoldSecret(prose)).toBe(false);
    expect(mayHoldSecret('export function parse(text: string): number {\n  return Number.parseInt(text, 10);\n}')).toBe(false);
    expect(mayHoldSecret('see https://example.com/docs/page?x=1 for details')).toBe(false);
  });

  it('gives the scanner the same hits with the prefilter as without it', async () => {
    const texts = [...examples(), 'plain words only', 'function f() { return 1; }'];
    const filtered = await scanForSecrets(texts);
    const unfiltered = await scanWithoutPrefilter(texts);
    expect(filtered).toEqual(unfiltered);
  });
});
