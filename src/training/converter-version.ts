// Version of the Conversation -> training-row conversion (to-sharegpt.ts), stored beside every
// derived row (ExchangeRecord.converterVersion).
// Bump it whenever conversationToShareGpt's output changes for the same input (rendering, merging,
// ordering, tools normalisation...), so rows stored by an older converter can be found and rebuilt.
// 3: tools inside a Codex namespace tool are read as the row's tools.
export const CONVERTER_VERSION = 3;
