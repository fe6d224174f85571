// The cheap test run before secretlint (secretlint-scanner.ts): a text that contains none of the
// literal anchors below cannot be reported by any rule of the preset, so it is not handed to
// secretlint at all. Most recorded texts (prose, code, tool output) hold none, and one regular
// expression over a text costs microseconds where lintSource costs about half a millisecond.
//
// One entry per rule of @secretlint/secretlint-rule-preset-recommend 12, derived from the rule's own
// patterns (module/index.js of the preset): every pattern of a rule requires one of the anchors of
// its entry, verbatim and with the same case, inside what it matches. The anchors are a superset,
// never a subset: an anchor may let through texts the rule then does not report, but no text the
// rule reports lacks one. secret-candidates.test.ts checks, for every rule, that an example the
// rule reports passes, and that no rule of the preset is missing here (a preset update that adds
// a rule fails the test until its anchors are added).
export const SECRET_RULE_ANCHORS: Readonly<Record<string, { anchors: RegExp; why: string }>> = {
  '@secretlint/secretlint-rule-aws': {
    // Access key ids start with one of these prefixes; the secret-key and account-id patterns
    // need the key name (`SECRET_ACCESS_KEY`, `aws_secret_access_key`, `AccountId`…).
    anchors: /A3T|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA|(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)|ACCOUNT|account|Account/,
    why: 'access key id prefix, or the key name of a secret key or account id',
  },
  // Service-account key files only (the JSON rule needs both `private_key_id` and `private_key`).
  '@secretlint/secretlint-rule-gcp': { anchors: /private_key/, why: 'a private_key field' },
  '@secretlint/secretlint-rule-privatekey': { anchors: /PRIVATE KEY/, why: 'the PEM armour line' },
  '@secretlint/secretlint-rule-npm': { anchors: /_authToken=|npm_|x-oauth-basic/, why: 'npmrc token, npm access token, or a GitHub x-oauth-basic URL' },
  '@secretlint/secretlint-rule-basicauth': { anchors: /:\/\/[-\w]+:[-\w]+@/, why: 'user:password@ after a scheme' },
  '@secretlint/secretlint-rule-slack': { anchors: /xox[bpaor]-|xapp-|hooks\.slack\.com/i, why: 'token prefix or webhook host' },
  '@secretlint/secretlint-rule-sendgrid': { anchors: /SG\./, why: 'key prefix' },
  '@secretlint/secretlint-rule-shopify': { anchors: /shp(?:pa|ca|at|ss)_/, why: 'key prefix' },
  '@secretlint/secretlint-rule-github': { anchors: /gh[pousr]_|github_pat_/, why: 'token prefix' },
  '@secretlint/secretlint-rule-gitlab': { anchors: /glpat-/, why: 'token prefix' },
  '@secretlint/secretlint-rule-grafana': { anchors: /glc_|glsa_/, why: 'token prefix' },
  // Every OpenAI key pattern holds the base64 of "OpenAI" in its middle.
  '@secretlint/secretlint-rule-openai': { anchors: /T3BlbkFJ/, why: 'the T3BlbkFJ marker' },
  '@secretlint/secretlint-rule-anthropic': { anchors: /sk-ant-api0/, why: 'key prefix' },
  '@secretlint/secretlint-rule-groq': { anchors: /gsk_/, why: 'key prefix' },
  '@secretlint/secretlint-rule-huggingface': { anchors: /hf_/, why: 'token prefix' },
  '@secretlint/secretlint-rule-linear': { anchors: /lin_api_/, why: 'key prefix' },
  '@secretlint/secretlint-rule-notion': { anchors: /ntn_/, why: 'token prefix' },
  '@secretlint/secretlint-rule-1password': { anchors: /ops_ey/, why: 'service-account token prefix' },
  // The URI patterns of this rule are case-insensitive (`/gi`).
  '@secretlint/secretlint-rule-database-connection-string': { anchors: /mongodb|mysql|postgres/i, why: 'the URI scheme' },
  '@secretlint/secretlint-rule-hashicorp-vault': { anchors: /hv[sbr]\./, why: 'token prefix' },
  '@secretlint/secretlint-rule-vercel': { anchors: /vc[pciark]_/, why: 'token prefix' },
  '@secretlint/secretlint-rule-databricks': { anchors: /dapi/, why: 'token prefix' },
  '@secretlint/secretlint-rule-docker': { anchors: /dckr_pat_/, why: 'token prefix' },
  '@secretlint/secretlint-rule-figma': { anchors: /figd_/, why: 'token prefix' },
};

// Two combined expressions (one pass each): the case-sensitive anchors and the case-insensitive ones.
const CASE_SENSITIVE = combine(Object.values(SECRET_RULE_ANCHORS).filter((entry) => !entry.anchors.ignoreCase), '');
const CASE_INSENSITIVE = combine(Object.values(SECRET_RULE_ANCHORS).filter((entry) => entry.anchors.ignoreCase), 'i');

function combine(entries: ReadonlyArray<{ anchors: RegExp }>, flags: string): RegExp | null {
  return entries.length === 0 ? null : new RegExp(entries.map((entry) => `(?:${entry.anchors.source})`).join('|'), flags);
}

/** False only when no rule of the preset can report anything in this text. */
export function mayHoldSecret(text: string): boolean {
  return (CASE_SENSITIVE?.test(text) ?? false) || (CASE_INSENSITIVE?.test(text) ?? false);
}
