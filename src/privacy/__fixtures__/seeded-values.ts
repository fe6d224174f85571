// Test-only: secret-looking values for every rule family of secretlint-rule-preset-recommend and
// personal data of every kind, built at run time from a seeded generator (the repository holds
// no text that looks like a secret), each inside the sentence or file an agent would see it in.
import { generateKeyPairSync } from 'node:crypto';

export interface SeededValue {
  /** The rule name the scanner reports (`github-token`), or the personal-data kind. */
  rule: string;
  /** The sensitive value, which must not appear in any output file. */
  value: string;
  /** The value in its context: a sentence, an .env line, a config file. */
  text: string;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function seededRandom(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

function chars(random: () => number, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let index = 0; index < length; index += 1) out += alphabet[Math.floor(random() * alphabet.length)]!;
  return out;
}

let cachedKeys: { rsa: string; pkcs8: string } | null = null;
function privateKeys(): { rsa: string; pkcs8: string } {
  // Real keys (the rule checks the base64 body), generated for the test and thrown away.
  cachedKeys ??= {
    rsa: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pkcs8: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return cachedKeys;
}

/** One value per secretlint rule family; `seed` varies the values, not their shapes. */
export function seededSecrets(seed: number): SeededValue[] {
  const random = seededRandom(seed);
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const hex = '0123456789abcdef';
  const password = `${chars(random, 6)}9-${chars(random, 6)}`;
  const keys = privateKeys();
  const values: SeededValue[] = [];
  const add = (rule: string, value: string, text: (value: string) => string): void => {
    values.push({ rule, value, text: text(value) });
  };
  add('aws-access-key-id', `AKIA${chars(random, 16, upper)}`, (v) => `export AWS_ACCESS_KEY_ID=${v}`);
  add('aws-secret-access-key', chars(random, 40), (v) => `aws_secret_access_key = "${v}"`);
  add('github-token', `ghp_${chars(random, 36)}`, (v) => `git clone https://github.com/acme/app (token ${v})`);
  add('openai-token', `${['sk', 'proj'].join('-')}-${chars(random, 74)}T3BlbkFJ${chars(random, 74)}`, (v) => `OPENAI_API_KEY=${v}`);
  add('anthropic-api-key', `${['sk', 'ant', 'api03'].join('-')}-${chars(random, 93)}AA`, (v) => `use this key: ${v} for the call`);
  add('slack-token', `xoxb-${chars(random, 12, '0123456789')}-${chars(random, 13, '0123456789')}-${chars(random, 24)}`, (v) => `SLACK_BOT_TOKEN=${v}`);
  add('incoming-webhook', `https://hooks.slack.com/services/T${chars(random, 8, upper)}/B${chars(random, 8, upper)}/${chars(random, 24)}`, (v) => `post to ${v} when done`);
  add('npm-access-token', `npm_${chars(random, 36)}`, (v) => `//registry.npmjs.org/:_authToken=\${NPM_TOKEN} # was ${v}`);
  add('private-key', keys.rsa.trim(), (v) => `Here is id_rsa:\n${v}\n`);
  add('basic-auth', `https://deployer:${password}@builds.acme-corp.io`, (v) => `curl ${v}/artifacts`);
  add('postgre-sql-connection', `postgres://app_user:${chars(random, 10)}7@db.acme-corp.io:5432/orders`, (v) => `DATABASE_URL=${v}`);
  add('mongo-db-connection', `mongodb+srv://svc_reader:${chars(random, 10)}3@cluster0.acme-corp.io/analytics`, (v) => `MONGO_URL=${v}`);
  add('my-sql-connection', `mysql://root:${chars(random, 10)}5@10.20.30.40:3306/shop`, (v) => `spring.datasource.url=${v}`);
  add('sendgrid-key', `SG.${chars(random, 22)}.${chars(random, 43)}`, (v) => `SENDGRID_API_KEY=${v}`);
  add('shopify-key', `shpat_${chars(random, 32, hex)}`, (v) => `X-Shopify-Access-Token: ${v}`);
  add('gitlab-personal-access-token', `glpat-${chars(random, 20)}`, (v) => `GITLAB_TOKEN=${v}`);
  add('groq-api-key', `gsk_${chars(random, 52)}`, (v) => `GROQ_API_KEY=${v}`);
  add('huggingface-user-access-token', `hf_${chars(random, 34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`, (v) => `HF_TOKEN=${v}`);
  add('linear-api-token', `lin_api_${chars(random, 40)}`, (v) => `LINEAR_API_KEY=${v}`);
  add('notion-integration-token', `ntn_${chars(random, 11, '0123456789')}${chars(random, 35)}`, (v) => `NOTION_TOKEN=${v}`);
  add('hashicorp-vault-service-token', `hvs.${chars(random, 95)}`, (v) => `VAULT_TOKEN=${v}`);
  add('vercel-personal-access-token', `vcp_${chars(random, 24)}`, (v) => `VERCEL_TOKEN=${v}`);
  add('databricks-personal-access-token', `dapi${chars(random, 32, hex)}`, (v) => `DATABRICKS_TOKEN=${v}`);
  add('docker-personal-access-token', `dckr_pat_${chars(random, 27)}`, (v) => `docker login -u acme -p ${v}`);
  add('figma-personal-access-token', `figd_${chars(random, 40)}`, (v) => `FIGMA_TOKEN=${v}`);
  add('grafana-service-account-token', `glsa_${chars(random, 32)}_${chars(random, 8, hex)}`, (v) => `GRAFANA_TOKEN=${v}`);
  // A GCP service-account key file, as a tool result that read it.
  const gcp = JSON.stringify(
    {
      type: 'service_account',
      project_id: 'acme-prod',
      private_key_id: chars(random, 40, hex),
      private_key: keys.pkcs8,
      client_email: 'svc@acme-prod.iam.gserviceaccount.com',
    },
    null,
    2,
  );
  values.push({ rule: 'private-key-json', value: keys.pkcs8.trim(), text: gcp });
  return values;
}

/** A Visa-shaped number that passes the Luhn check. */
export function luhnCardNumber(random: () => number): string {
  const digits = [4, ...Array.from({ length: 14 }, () => Math.floor(random() * 10))];
  let sum = 0;
  for (let index = 0; index < 15; index += 1) {
    let digit = digits[14 - index]!;
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  digits.push((10 - (sum % 10)) % 10);
  return digits.join('').replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** An IBAN with a correct mod-97 check: country, check digits, then the account number. */
export function validIban(country: string, account: string): string {
  const numeric = (account + country + '00').replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${account}`;
}

export function seededPersonalData(seed: number): SeededValue[] {
  const random = seededRandom(seed + 1000);
  const name = chars(random, 6, 'abcdefghijklmnopqrstuvwxyz');
  return [
    { rule: 'email', value: `${name}.doe@corp-mail.example.net`, text: `Reply to ${name}.doe@corp-mail.example.net by Friday.` },
    { rule: 'phone', value: `+44 20 7946 ${String(1000 + Math.floor(random() * 8999))}`, text: '' },
    { rule: 'ip', value: `203.0.113.${10 + Math.floor(random() * 200)}`, text: '' },
    { rule: 'ip', value: `2001:db8:85a3::8a2e:370:${(0x1000 + Math.floor(random() * 0xefff)).toString(16)}`, text: '' },
    { rule: 'credit_card', value: luhnCardNumber(random), text: '' },
    { rule: 'iban', value: validIban('DE', chars(random, 18, '0123456789')), text: '' },
  ].map((entry) => ({ ...entry, text: entry.text === '' ? `the customer's ${entry.rule.replace('_', ' ')} is ${entry.value}, please check` : entry.text }));
}
