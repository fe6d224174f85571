// The LLaMA-Factory dataset_info.json entry for a ShareGPT export (formats.md 1.1): `formatting`
// sharegpt (the default is alpaca), and every column we write listed under `columns` (once
// `columns` is given, an unlisted column is silently ignored). No `tags`: the defaults apply, and
// a partial `tags` would turn the unlisted ones into None. Pure.

export const DATASET_NAME = 'llm_proxy_sharegpt';

export interface DatasetInfoEntry {
  file_name: string;
  formatting: 'sharegpt';
  columns: { messages: 'conversations'; system: 'system'; tools: 'tools'; images: 'images' };
}

export function datasetInfoFor(fileName: string): Record<string, DatasetInfoEntry> {
  return {
    [DATASET_NAME]: {
      file_name: fileName,
      formatting: 'sharegpt',
      columns: { messages: 'conversations', system: 'system', tools: 'tools', images: 'images' },
    },
  };
}
