import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config/load-config.js';
import { exportSettings, ExportSettingsError } from './export-settings.js';

const defaults = parseConfig({}).config.export;

describe('exportSettings', () => {
  it('defaults: secrets redacted, personal data kept, near-duplicates at 0.8, 10% validation', () => {
    expect(exportSettings(defaults, {})).toEqual({
      privacy: { secrets: 'redact', personal: { email: 'keep', phone: 'keep', ip: 'keep', credit_card: 'keep', iban: 'keep' }, allowlist: [] },
      dedup: { mode: 'near', threshold: 0.8 },
      hf: { validationRatio: 0.1, seed: 0, license: '' },
    });
  });

  it('takes config.json first and the flags on top', () => {
    const config = parseConfig({
      export: { privacy: { secrets: 'drop', email: 'redact', allowlist: ['ok@example.com'] }, dedup: { mode: 'exact', threshold: 0.9 }, hf: { seed: 5, license: 'mit' } },
    }).config.export;
    const settings = exportSettings(config, { pii: 'ip=off', allow: ['/^test_/i'], dedup: 'near', dedupThreshold: '0.7', validationRatio: '0' });
    expect(settings.privacy).toEqual({
      secrets: 'drop',
      personal: { email: 'redact', phone: 'keep', ip: 'off', credit_card: 'keep', iban: 'keep' },
      allowlist: ['ok@example.com', '/^test_/i'],
    });
    expect(settings.dedup).toEqual({ mode: 'near', threshold: 0.7 });
    expect(settings.hf).toEqual({ validationRatio: 0, seed: 5, license: 'mit' });
    expect(exportSettings(config, { pii: 'redact' }).privacy.personal).toEqual({ email: 'redact', phone: 'redact', ip: 'redact', credit_card: 'redact', iban: 'redact' });
  });

  it.each([
    [{ secrets: 'hide' }, /--secrets must be one of redact, drop, keep, off/],
    [{ pii: 'email=hide' }, /--pii: unknown action "hide"/],
    [{ pii: 'name=redact' }, /--pii: unknown kind "name"/],
    [{ allow: ['/(/'] }, /--allow \/\(\/: not a valid regular expression/],
    [{ dedupThreshold: '0' }, /--dedup-threshold must be a number above 0/],
    [{ validationRatio: '1' }, /--validation-ratio must be a number from 0 to below 1/],
    [{ splitSeed: 'x' }, /--split-seed must be a whole number/],
  ])('names the flag to fix: %j', (flags, message) => {
    expect(() => exportSettings(defaults, flags)).toThrow(ExportSettingsError);
    expect(() => exportSettings(defaults, flags)).toThrow(message);
  });

  it('config.json errors name the key', () => {
    expect(() => parseConfig({ export: { privacy: { secrets: 'hide' } } })).toThrow(ConfigError);
    expect(() => parseConfig({ export: { privacy: { allowlist: ['/(/'] } } })).toThrow(/export\.privacy\.allowlist\.0/);
    expect(() => parseConfig({ export: { dedup: { threshold: 1.5 } } })).toThrow(/export\.dedup\.threshold/);
    expect(parseConfig({ export: { privacy: { secret: 'drop' } } }).warnings).toEqual(['unknown config key "export.privacy.secret" is ignored; did you mean "export.privacy.secrets"?']);
  });
});
