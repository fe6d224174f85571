import { describe, expect, it } from 'vitest';
import { mimeTypeOfUrl, parseDataUrl } from './data-url.js';

describe('parseDataUrl', () => {
  it.each([
    ['data:image/png;base64,iVBORw0K', { mimeType: 'image/png', data: 'iVBORw0K' }],
    ['data:IMAGE/JPEG;base64,/9j/', { mimeType: 'image/jpeg', data: '/9j/' }],
    ['data:text/plain,hello%20world', { mimeType: 'text/plain', data: Buffer.from('hello world').toString('base64') }],
    ['data:;base64,AAAA', { mimeType: 'text/plain', data: 'AAAA' }],
    ['https://example.com/a.png', undefined],
    ['data:image/png;base64', undefined],
  ])('%s', (url, expected) => {
    expect(parseDataUrl(url)).toEqual(expected);
  });
});

describe('mimeTypeOfUrl', () => {
  it.each([
    ['https://example.com/cat.PNG', 'image/png'],
    ['https://example.com/cat.jpeg?size=large#x', 'image/jpeg'],
    ['https://example.com/doc.pdf', 'application/pdf'],
    ['https://example.com/photo', undefined],
    ['https://example.com/dir.d/photo', undefined],
  ])('%s → %s', (url, expected) => {
    expect(mimeTypeOfUrl(url)).toBe(expected);
  });
});
