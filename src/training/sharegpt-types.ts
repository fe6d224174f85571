// The ShareGPT row we emit (formats.md 1.2): every row carries all four keys with fixed JSON types.

export type ShareGptRole = 'human' | 'gpt' | 'function_call' | 'observation';

export interface ShareGptTurn {
  from: ShareGptRole;
  value: string;
}

export interface ShareGptRow {
  conversations: ShareGptTurn[];
  /** "" when absent. */
  system: string;
  /** JSON string of a list of {name, description, parameters}; "" when absent. */
  tools: string;
  /** Image references in `<image>` order: data: URLs or http(s) URLs in the record; export rewrites them to files. */
  images: string[];
}
