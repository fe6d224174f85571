// The cleaning and Hugging Face settings of one export: config.json `export` (schema.ts) with the
// command-line flags on top. A wrong flag value is an ExportSettingsError whose message names the
// flag and what it accepts (the CLI prints it as one line, exit 2).
import type { ExportConfig } from '../config/schema.js';
import { PERSONAL_DATA_KINDS } from '../privacy/find-personal-data.js';
import { isAction, parsePersonalDataPolicy, PRIVACY_ACTIONS, type PrivacyPolicy } from '../privacy/privacy-policy.js';
import type { DedupMode, DedupOptions } from './dedup/deduplicate-records.js';
import type { HfOptions } from './writers/hf-dataset-folder.js';

export interface CleaningFlags {
  secrets?: string;
  pii?: string;
  allow?: string[];
  dedup?: string;
  dedupThreshold?: string;
  validationRatio?: string;
  splitSeed?: string;
  license?: string;
}

export interface ExportSettings {
  privacy: PrivacyPolicy;
  dedup: DedupOptions;
  hf: HfOptions;
}

export class ExportSettingsError extends Error {
  override name = 'ExportSettingsError';
}

export function exportSettings(config: ExportConfig, flags: CleaningFlags): ExportSettings {
  const privacy = config.privacy;
  let secrets = privacy.secrets;
  if (flags.secrets !== undefined) {
    if (!isAction(flags.secrets)) throw new ExportSettingsError(`--secrets must be one of ${PRIVACY_ACTIONS.join(', ')} (got "${flags.secrets}")`);
    secrets = flags.secrets;
  }
  let personal = Object.fromEntries(PERSONAL_DATA_KINDS.map((kind) => [kind, privacy[kind]])) as PrivacyPolicy['personal'];
  if (flags.pii !== undefined) {
    const parsed = parsePersonalDataPolicy(flags.pii, personal);
    if (typeof parsed === 'string') throw new ExportSettingsError(`--pii: ${parsed}; e.g. --pii redact or --pii email=redact,phone=off`);
    personal = parsed;
  }
  const allowlist = [...privacy.allowlist, ...(flags.allow ?? [])];
  for (const entry of flags.allow ?? []) {
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry);
    if (regex === null) continue;
    try {
      new RegExp(regex[1]!, regex[2]!);
    } catch (error) {
      throw new ExportSettingsError(`--allow ${entry}: not a valid regular expression (${(error as Error).message})`);
    }
  }

  let mode: DedupMode = config.dedup.mode;
  if (flags.dedup !== undefined) {
    if (!['off', 'exact', 'near'].includes(flags.dedup)) throw new ExportSettingsError(`--dedup must be one of off, exact, near (got "${flags.dedup}")`);
    mode = flags.dedup as DedupMode;
  }
  const threshold = flags.dedupThreshold === undefined ? config.dedup.threshold : fraction('--dedup-threshold', flags.dedupThreshold, false);

  const validationRatio = flags.validationRatio === undefined ? config.hf.validation_ratio : fraction('--validation-ratio', flags.validationRatio, true);
  let seed = config.hf.seed;
  if (flags.splitSeed !== undefined) {
    if (!/^-?\d+$/.test(flags.splitSeed.trim())) throw new ExportSettingsError(`--split-seed must be a whole number (got "${flags.splitSeed}")`);
    seed = Number(flags.splitSeed);
  }
  return {
    privacy: { secrets, personal, allowlist },
    dedup: { mode, threshold },
    hf: { validationRatio, seed, license: flags.license ?? config.hf.license },
  };
}

/** A number in (0, 1] (threshold) or [0, 1) (validation share). */
function fraction(flag: string, text: string, zeroAllowed: boolean): number {
  const value = Number(text.trim());
  const ok = text.trim() !== '' && Number.isFinite(value) && (zeroAllowed ? value >= 0 && value < 1 : value > 0 && value <= 1);
  if (!ok) throw new ExportSettingsError(`${flag} must be a number ${zeroAllowed ? 'from 0 to below 1' : 'above 0 and at most 1'} (got "${text}")`);
  return value;
}
