// dataset_info.json entries for the judgement exports (formats.md 1.1, 1.9): a ranking entry for
// the preference pairs (`"ranking": true`, `chosen` / `rejected` mapped) and a KTO entry
// (`kto_tag` mapped). As for the SFT entry (dataset-info.ts): `formatting` sharegpt, every column
// listed, no `tags`. Pure.
import { DATASET_NAME } from './dataset-info.js';

const BASE_COLUMNS = { messages: 'conversations', system: 'system', tools: 'tools', images: 'images' } as const;

export const RANKING_DATASET_NAME = `${DATASET_NAME}_preference`;
export const KTO_DATASET_NAME = `${DATASET_NAME}_kto`;

export function rankingDatasetInfoFor(fileName: string): Record<string, unknown> {
  return {
    [RANKING_DATASET_NAME]: {
      file_name: fileName,
      formatting: 'sharegpt',
      ranking: true,
      columns: { ...BASE_COLUMNS, chosen: 'chosen', rejected: 'rejected' },
    },
  };
}

export function ktoDatasetInfoFor(fileName: string): Record<string, unknown> {
  return {
    [KTO_DATASET_NAME]: {
      file_name: fileName,
      formatting: 'sharegpt',
      columns: { ...BASE_COLUMNS, kto_tag: 'kto_tag' },
    },
  };
}
