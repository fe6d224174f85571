// Every judgement as training data, beside the SFT files (run-export.ts calls this when asked):
//   preference: each edited record of the selection as a pair, chosen = the edit, rejected = the
//     original answer (training/to-preference.ts), as LLaMA-Factory ranking rows and as OpenAI
//     preference fine-tuning rows; every record with an edit counts, thread steps included (each
//     edit is its own judgement).
//   kto: the confirmed rows (kto_tag true) and the rejected rows (false) of the same selection, as
//     the SFT export builds them (one record per thread, repaired, validated).
// Every row is validated (training/validate-preference.ts) before it is written; the others go to
// invalid.jsonl with their reasons, as for the SFT formats.
import { derivedShareGptOf } from '../capture/derive-stored.js';
import type { StoredExchange } from '../capture/exchange.js';
import { repairShareGptRow, type TrainingRowOptions } from '../training/repair-sharegpt-row.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { ktoRowOf, PREFERENCE_REASONS, preferencePairOf } from '../training/to-preference.js';
import { validateKtoRow, validateOpenAiPreferenceRow, validateRankingRow } from '../training/validate-preference.js';
import { exportRecords, type SaveImage } from './export-records.js';
import type { ExportRowOptions } from './export-rows.js';
import type { Store } from '../store/store.js';

export type Judgement = 'preference' | 'kto';
export const JUDGEMENTS: readonly Judgement[] = ['preference', 'kto'];

export const JUDGEMENT_FILES = {
  preferenceShareGpt: 'preference-sharegpt.jsonl',
  preferenceOpenAi: 'preference-openai.jsonl',
  kto: 'kto-sharegpt.jsonl',
} as const;

export interface JudgementSink {
  write(file: string, line: string): Promise<void>;
  invalid(entry: { id: string; format: string; reasons: Array<{ code: string; message: string }>; row: unknown }): Promise<void>;
}

export interface JudgementReport {
  preference?: { editedRecords: number; pairs: number; invalidByReason: Record<string, number>; reasons: Record<string, string> };
  kto?: { desirable: number; undesirable: number; invalidByReason: Record<string, number> };
}

const count = (map: Record<string, number>, code: string): void => {
  map[code] = (map[code] ?? 0) + 1;
};

export async function exportJudgements(
  store: Store,
  rows: ExportRowOptions,
  judgements: readonly Judgement[],
  hooks: { saveImage?: SaveImage; images?: 'copy' | 'skip' },
  sink: JudgementSink,
): Promise<JudgementReport> {
  const report: JudgementReport = {};
  const training: TrainingRowOptions = {
    reasoning: rows.reasoning ?? 'keep',
    toolsSchema: rows.toolsSchema ?? 'auto',
    ...(rows.truncateObservation !== undefined ? { truncateObservation: rows.truncateObservation } : {}),
  };
  if (judgements.includes('preference')) report.preference = await exportPreferences(store, rows, training, hooks, sink);
  if (judgements.includes('kto')) report.kto = await exportKto(store, rows, hooks, sink);
  return report;
}

async function exportPreferences(
  store: Store,
  rows: ExportRowOptions,
  training: TrainingRowOptions,
  hooks: { saveImage?: SaveImage; images?: 'copy' | 'skip' },
  sink: JudgementSink,
): Promise<NonNullable<JudgementReport['preference']>> {
  const result = { editedRecords: 0, pairs: 0, invalidByReason: {} as Record<string, number>, reasons: { ...PREFERENCE_REASONS } };
  const filter = { ...rows.filter, apiKind: rows.filter.apiKind ?? 'chat' };
  if (rows.status !== 'all') filter.reviewState = rows.status;
  const reject = async (record: StoredExchange, format: string, reasons: Array<{ code: string; message: string }>, row: unknown) => {
    for (const reason of reasons.slice(0, 1)) count(result.invalidByReason, reason.code);
    await sink.invalid({ id: record.id, format, reasons, row });
  };
  for await (const record of store.iterate(filter, 200)) {
    if (record.editedSharegpt === null) continue;
    result.editedRecords += 1;
    // The recorded answer, before the edit.
    const original = derivedShareGptOf(record);
    const edited = repairShareGptRow(record.editedSharegpt, training).row as ShareGptRow;
    if (original === null) {
      await reject(record, 'preference', [{ code: 'no-conversation', message: 'no original row could be read from the recorded bodies' }], null);
      continue;
    }
    const pair = preferencePairOf(repairShareGptRow(original, training).row as ShareGptRow, edited);
    if (!pair.ok) {
      await reject(record, 'preference', [{ code: pair.code, message: pair.message }], null);
      continue;
    }
    let ranking = pair.ranking;
    if (ranking.images.length > 0) {
      if (hooks.images === 'skip' || hooks.saveImage === undefined) {
        await reject(record, 'preference-sharegpt', [{ code: 'images-skipped', message: `${ranking.images.length} image(s) and no image files written` }], ranking);
        continue;
      }
      const saved = ranking.images.map((image) => (/^(?:[a-z][a-z0-9+.-]*:\/\/|data:)/iu.test(image) ? hooks.saveImage!(image) : { path: image }));
      const failed = saved.find((entry): entry is { error: string } => 'error' in entry);
      if (failed !== undefined) {
        await reject(record, 'preference-sharegpt', [{ code: 'image-not-saved', message: failed.error }], ranking);
        continue;
      }
      ranking = { ...ranking, images: saved.map((entry) => (entry as { path: string }).path) };
    }
    const rankingVerdict = validateRankingRow(ranking, { requireLocalImages: true });
    const openAiVerdict = validateOpenAiPreferenceRow(pair.openai);
    if (!rankingVerdict.valid) await reject(record, 'preference-sharegpt', rankingVerdict.errors, ranking);
    if (!openAiVerdict.valid) await reject(record, 'preference-openai', openAiVerdict.errors, pair.openai);
    if (rankingVerdict.valid) await sink.write(JUDGEMENT_FILES.preferenceShareGpt, `${JSON.stringify(ranking)}\n`);
    if (openAiVerdict.valid) await sink.write(JUDGEMENT_FILES.preferenceOpenAi, `${JSON.stringify(pair.openai)}\n`);
    if (rankingVerdict.valid || openAiVerdict.valid) result.pairs += 1;
  }
  return result;
}

async function exportKto(
  store: Store,
  rows: ExportRowOptions,
  hooks: { saveImage?: SaveImage; images?: 'copy' | 'skip' },
  sink: JudgementSink,
): Promise<NonNullable<JudgementReport['kto']>> {
  const result = { desirable: 0, undesirable: 0, invalidByReason: {} as Record<string, number> };
  for (const [status, desirable] of [['confirmed', true], ['rejected', false]] as const) {
    const options: ExportRowOptions = { ...rows, formats: ['sharegpt'], status };
    const { reviewState: _state, ...filter } = options.filter;
    options.filter = filter;
    for await (const item of exportRecords(store, options, hooks)) {
      for (const row of item.rows) {
        if (!row.valid) {
          count(result.invalidByReason, row.reasons[0]?.code ?? 'unknown');
          await sink.invalid({ id: row.id, format: 'kto', reasons: row.reasons, row: row.row });
          continue;
        }
        const kto = ktoRowOf(row.row as ShareGptRow, desirable);
        const verdict = validateKtoRow(kto, { requireLocalImages: hooks.saveImage !== undefined });
        if (!verdict.valid) {
          count(result.invalidByReason, verdict.errors[0]?.code ?? 'unknown');
          await sink.invalid({ id: row.id, format: 'kto', reasons: verdict.errors, row: kto });
          continue;
        }
        await sink.write(JUDGEMENT_FILES.kto, `${JSON.stringify(kto)}\n`);
        if (desirable) result.desirable += 1;
        else result.undesirable += 1;
      }
    }
  }
  return result;
}
