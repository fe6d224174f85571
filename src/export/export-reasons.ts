// Why the export leaves a row out, beyond what the row validators say (validate-sharegpt.ts for
// formats.md 1.3 / 5.3, validate-openai-ft.ts for section 3): what the recorded exchange itself
// tells (formats.md 5.2 step 4) and what only a whole file can tell (1.3-A). Stable codes.

export const EXPORT_REASONS = {
  'exchange-error': 'the exchange failed (HTTP error, error event, proxy error): there is no model answer to train on',
  'exchange-incomplete': 'the response was cut off (client abort, upstream reset, recording cap): the answer is partial',
  'finish-length': 'the model stopped at its token limit (finish reason length / max_tokens): the answer is truncated',
  'finish-content-filter': 'the provider filtered the answer',
  'no-conversation': 'no chat conversation could be read from the recorded bodies',
  'no-user-turn': 'the conversation has no user turn (nothing the model answered): refused in every export format alike',
  'no-final-answer': "the row does not end with the model's answer (formats.md 5.2 step 4)",
  'image-not-saved': 'an image could not be saved as a local file (a remote URL, not an image, or undecodable)',
  'images-skipped': 'the row has images and the export was asked to skip images',
  'images-not-supported': 'openai-messages keeps every message content a string (HF datasets cannot load a column that is a string in some rows and a list in others); rows with images are in the sharegpt and openai-ft exports',
  'type-conflict': 'a field has another JSON type than in earlier rows of the file: pyarrow would refuse the whole file (formats.md 1.3-A)',
} as const;

export type ExportReasonCode = keyof typeof EXPORT_REASONS;
