import { describe, expect, it } from 'vitest';
import { seededSecrets } from './__fixtures__/seeded-values.js';
import { scanForSecrets, SECRET_RULE_IDS } from './secretlint-scanner.js';

const secrets = seededSecrets(11);
const value = (rule: string): string => secrets.find((entry) => entry.rule === rule)!.value;

describe('scanForSecrets', () => {
  it('runs every rule of the recommended preset but the comment filter', () => {
    expect(SECRET_RULE_IDS).toContain('@secretlint/secretlint-rule-github');
    expect(SECRET_RULE_IDS).toContain('@secretlint/secretlint-rule-database-connection-string');
    expect(SECRET_RULE_IDS).not.toContain('@secretlint/secretlint-rule-filter-comments');
    expect(SECRET_RULE_IDS.length).toBeGreaterThanOrEqual(20);
  });

  it('attributes each hit to its own text when many texts are scanned together', async () => {
    const texts = ['nothing here', `token ${value('github-token')}`, 'still nothing', `SLACK=${value('slack-token')} and ${value('npm-access-token')}`];
    const hits = await scanForSecrets(texts);
    expect(hits.map((list) => list.map((hit) => hit.rule))).toEqual([[], ['github-token'], [], ['slack-token', 'npm-access-token']]);
    expect(hits[1]![0]!.value).toBe(value('github-token'));
  });

  it('reports the AWS secret key itself, not the start of its key name (the rule reports a shifted range)', async () => {
    const [hits] = await scanForSecrets([`aws_secret_access_key = "${value('aws-secret-access-key')}"`]);
    expect(hits).toEqual([{ rule: 'aws-secret-access-key', ruleId: '@secretlint/secretlint-rule-aws', value: value('aws-secret-access-key') }]);
  });

  it('is not silenced by a secretlint-disable comment inside the recorded text', async () => {
    const [hits] = await scanForSecrets([`// secretlint-disable\nconst token = "${value('github-token')}";`]);
    expect(hits!.map((hit) => hit.value)).toEqual([value('github-token')]);
  });

  it('recognises a GCP service-account key file as a whole document', async () => {
    const file = secrets.find((entry) => entry.rule === 'private-key-json')!.text;
    const [hits] = await scanForSecrets([file]);
    expect(hits!.map((hit) => hit.rule).sort()).toEqual(['private-key', 'private-key-json']);
    expect(hits!.find((hit) => hit.rule === 'private-key-json')!.value).toBe(file);
  });
});
