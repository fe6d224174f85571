// Every row the converter produces for the hand-built conversations is accepted by the
// validator, except the deliberately broken ones, which fail with the expected code.
import { describe, expect, it } from 'vitest';
import { conversionCases } from './__fixtures__/conversations.js';
import { conversationToShareGpt } from './to-sharegpt.js';
import { validateShareGptRow } from './validate-sharegpt.js';

describe('converter output passes the acceptance checker', () => {
  for (const testCase of conversionCases) {
    const expectation = testCase.rejectedWith === undefined ? 'is accepted' : `is rejected with ${testCase.rejectedWith}`;
    it(`${testCase.name}: ${expectation}`, () => {
      const { row } = conversationToShareGpt(testCase.conversation);
      const verdict = validateShareGptRow(row);
      if (testCase.rejectedWith === undefined) {
        expect(verdict.errors).toEqual([]);
        expect(verdict.valid).toBe(true);
      } else {
        expect(verdict.valid).toBe(false);
        expect(verdict.errors.map((error) => error.code)).toContain(testCase.rejectedWith);
      }
    });
  }

  it('captured rows with URL images pass at capture time but not at export time', () => {
    const withImages = conversionCases.find((testCase) => testCase.row.images.length > 0);
    expect(withImages).toBeDefined();
    const { row } = conversationToShareGpt(withImages!.conversation);
    expect(validateShareGptRow(row).valid).toBe(true);
    const exported = validateShareGptRow(row, { requireLocalImages: true });
    expect(exported.errors.map((error) => error.code)).toContain('image-not-local');
    expect(validateShareGptRow({ ...row, images: row.images.map((_, i) => `media/${i}.png`) }, { requireLocalImages: true }).valid).toBe(true);
  });
});
