// OpenAI's `encoding_format: "base64"`: the vector as little-endian float32 bytes, base64-encoded.
// The OpenAI SDK asks for base64 by default and decodes it itself.
export function encodeEmbedding(values: readonly number[], format: 'float' | 'base64' | undefined): number[] | string {
  if (format !== 'base64') return [...values];
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
