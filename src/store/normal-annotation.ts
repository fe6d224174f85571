// What Store.setAnnotation stores for an annotation (store.ts): one rule for every backend, so
// SQLite and PostgreSQL keep the same annotation.
import type { Annotation } from './store.js';

/** Trimmed note, trimmed distinct non-empty tags in the order given, a checked rating; null when nothing is left. */
export function normalAnnotation(annotation: Omit<Annotation, 'updatedAt'>): Omit<Annotation, 'updatedAt'> | null {
  const tags = [...new Set(annotation.tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
  const rating = annotation.rating;
  if (rating !== null && (!Number.isInteger(rating) || rating < 1 || rating > 5)) throw new RangeError(`rating must be 1-5 or null (got ${rating})`);
  const note = annotation.note.trim();
  if (note === '' && tags.length === 0 && rating === null) return null;
  return { note, tags, rating };
}
