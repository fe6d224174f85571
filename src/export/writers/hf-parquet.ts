// ShareGPT rows (formats.md 1.2) as a Parquet file, with hyparquet-writer: the four columns with
// their nested types (conversations: list<struct<from, value>>, system, tools: string, images:
// list<string>), so `datasets` reads the same features the dataset card declares. Rows are read
// from a JSONL file and written one row group at a time: memory holds one group, not the dataset.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

const SHAREGPT_COLUMNS = ['conversations', 'system', 'tools', 'images'] as const;

const SHAREGPT_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 4 },
  { name: 'conversations', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
  { name: 'from', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'system', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'tools', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'images', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
];

const ROW_GROUP = 1_000;

/** Writes the ShareGPT rows of `jsonlPath` to `parquetPath`; returns the number of rows. */
export async function shareGptJsonlToParquet(jsonlPath: string, parquetPath: string, createdBy: string): Promise<number> {
  const writer = new ParquetWriter({ writer: fileWriter(parquetPath), schema: SHAREGPT_SCHEMA, createdBy });
  let group: Array<Record<string, unknown>> = [];
  let count = 0;
  const flush = (): void => {
    if (group.length === 0) return;
    const rows = group;
    void writer.write({
      columnData: SHAREGPT_COLUMNS.map((name) => ({ name, data: rows.map((row) => row[name]) })),
      rowGroupSize: rows.length,
    });
    group = [];
  };
  const lines = createInterface({ input: createReadStream(jsonlPath, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    group.push(JSON.parse(line) as Record<string, unknown>);
    count += 1;
    if (group.length >= ROW_GROUP) flush();
  }
  flush();
  writer.finish();
  return count;
}
