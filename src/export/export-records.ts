// The export pipeline, one stored record at a time: select (status, filters, thread collapse) →
// read the recorded exchange → build each requested row (repair) → validate → valid or invalid
// with every reason. Streams: memory does not grow with the number of records (the thread pass
// keeps one small entry per thread; the type trackers one entry per distinct JSON path).
// export-rows.ts is the public face of this; run-export.ts adds the files, media and report.
import picomatch from 'picomatch';
import type { StoredExchange } from '../capture/exchange.js';
import type { ListFilter, Store } from '../store/store.js';
import type { RepairName } from '../training/repair-names.js';
import { repairShareGptRow, type TrainingRowOptions } from '../training/repair-sharegpt-row.js';
import { openAiRowFeatures } from '../training/openai-row-features.js';
import { removeBillingHeader } from '../training/remove-billing-header.js';
import type { AssistantMessage } from '../conversation/model.js';
import { carriesReasoning, finalAnswerOf } from '../conversation/final-answer.js';
import { CONVERTER_VERSION } from '../training/converter-version.js';
import { fillMissingReasoning, lacksEarlierReasoning } from './fill-reasoning.js';
import { rowFeatures, type RowFeatures } from '../training/row-features.js';
import type { ShareGptRow } from '../training/sharegpt-types.js';
import { openAiMessagesToFineTuning } from '../training/to-openai-ft.js';
import { shareGptToConversation } from '../training/sharegpt-to-conversation.js';
import { conversationToShareGpt } from '../training/to-sharegpt.js';
import { truncateToolResults } from '../training/truncate-text.js';
import { conversationToOpenAiMessages } from '../training/to-openai-messages.js';
import { validateOpenAiFtRow } from '../training/validate-openai-ft.js';
import { validateShareGptRow } from '../training/validate-sharegpt.js';
import type { ExportReasonCode } from './export-reasons.js';
import { readRecord, shareGptSourceOf, type ExportReason, type RecordReading, type ShareGptSource } from './read-record.js';
import { selectRecords } from './select-records.js';
import type { ExportedRow, ExportFormat, ExportRowOptions } from './export-rows.js';
import { JsonTypeTracker } from './type-consistency.js';
import { decodeDataUrl } from './media-store.js';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['sharegpt', 'openai-messages', 'openai-ft'];

/** An exported row plus what only the CLI report needs. */
export interface ExportedRowDetail extends ExportedRow {
  repairs: RepairName[];
  warnings: ExportReason[];
  /** What this row, as written in its format, contains (the report counts it); null without a row. */
  content: RowFeatures | null;
}

export interface RecordExport {
  record: StoredExchange;
  rows: ExportedRowDetail[];
  /** What the (repaired) ShareGPT row contains; null when there is none. */
  features: RowFeatures | null;
}

export type SaveImage = (url: string) => { path: string } | { error: string };

export interface ExportHooks {
  /**
   * Saves a data-URL image and returns the relative path to write in `images` (run-export.ts).
   * Without it images stay as recorded and rows holding them are invalid (`image-not-local`):
   * LLaMA-Factory opens local files only.
   */
  saveImage?: SaveImage;
  /** `skip`: rows with images are left out (`images-skipped`). Default `copy`. */
  images?: 'copy' | 'skip';
}

export interface ExportStats {
  recordsRead: number;
  threadsCollapsed: number;
  filteredOut: { model: number; notFunctionCallOnly: number };
}

export function newExportStats(): ExportStats {
  return { recordsRead: 0, threadsCollapsed: 0, filteredOut: { model: 0, notFunctionCallOnly: 0 } };
}

const BATCH_SIZE = 200;

export async function* exportRecords(
  store: Store,
  options: ExportRowOptions,
  hooks: ExportHooks = {},
  stats: ExportStats = newExportStats(),
): AsyncGenerator<RecordExport> {
  checkOptions(options);
  const formats = [...new Set(options.formats)];
  const training: TrainingRowOptions = {
    reasoning: options.reasoning ?? 'keep',
    toolsSchema: options.toolsSchema ?? 'auto',
    ...(options.truncateObservation !== undefined ? { truncateObservation: options.truncateObservation } : {}),
  };
  const trackers = {
    sharegpt: new JsonTypeTracker(),
    'openai-messages': new JsonTypeTracker({ messages: 'list', 'messages[]': 'object', 'messages[].content': 'string', tools: 'list' }),
  };
  const filter: ListFilter = { ...options.filter, apiKind: options.filter.apiKind ?? 'chat' };
  if (options.status !== 'all') filter.reviewState = options.status;
  const glob = options.modelGlob;
  const selectStats = { threadsCollapsed: 0, modelFilteredOut: 0 };
  const selected = selectRecords(
    store,
    filter,
    {
      threads: options.threads ?? 'longest',
      batchSize: BATCH_SIZE,
      ...(glob !== undefined ? { modelMatches: picomatch(glob, { nocase: true, dot: true, bash: true }) } : {}),
    },
    selectStats,
  );

  const ancestorAnswers = new AncestorAnswers();
  let exported = 0;
  try {
    for await (const record of selected) {
      stats.threadsCollapsed = selectStats.threadsCollapsed;
      stats.filteredOut.model = selectStats.modelFilteredOut;
      const keepBillingHeader = options.keepBillingHeader === true;
      const cleaned = keepBillingHeader ? readRecord(record) : withoutBillingHeader(readRecord(record));
      const reading: RecordReading & { billingHeaderRemoved?: boolean; reasoningFilled?: boolean } =
        training.reasoning === 'keep' ? await withThreadReasoning(store, record, cleaned, ancestorAnswers) : cleaned;
      // A row whose reasoning came from the thread is derived again from the filled conversation.
      const source = shareGptSourceOf(reading.reasoningFilled === true ? { ...record, sharegpt: null } : record, reading);
      const repaired =
        source === null
          ? null
          : withFilledRepair(
              withHeaderRepair(withoutRowBillingHeader(repairSource(source, reading, training), keepBillingHeader), reading.billingHeaderRemoved === true && source.edited !== true),
              reading.reasoningFilled === true && source.edited !== true,
            );
      const features = repaired !== null && isShareGptShape(repaired.row) ? rowFeatures(repaired.row) : null;
      if (options.onlyFunctionCallOnly === true && features?.functionCallOnly !== true) {
        stats.filteredOut.notFunctionCallOnly += 1;
        continue;
      }
      exported += 1;
      stats.recordsRead += 1;

      const rows: ExportedRowDetail[] = [];
      for (const format of formats) {
        if (format === 'sharegpt') {
          rows.push(shareGptRow(record, reading, source?.edited === true, repaired, hooks, trackers.sharegpt));
        } else {
          const row = openAiRow(format, record, reading, training, hooks, trackers['openai-messages']);
          if (reading.billingHeaderRemoved === true) row.repairs.unshift('billing-header-removed');
          if (reading.reasoningFilled === true) row.repairs.unshift('reasoning-filled-from-thread');
          rows.push(row);
        }
      }
      yield { record, rows, features };
      if (options.limit !== undefined && exported >= options.limit) break;
    }
  } finally {
    stats.threadsCollapsed = selectStats.threadsCollapsed;
    stats.filteredOut.model = selectStats.modelFilteredOut;
    await selected.return(undefined);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The repaired ShareGPT row. Tool results are cut on the conversation when the row is derived from
 * it (there, user text sent with the results is still apart from them); a human edit is cut in
 * its observation strings.
 */
function repairSource(source: ShareGptSource, reading: RecordReading, training: TrainingRowOptions): { row: unknown; repairs: RepairName[] } {
  const max = training.truncateObservation;
  if (max === undefined || source.edited || reading.conversation === null) return repairShareGptRow(source.row, training);
  const cut = truncateToolResults(reading.conversation, max);
  const { truncateObservation: _applied, ...rest } = training;
  if (!cut.truncated) return repairShareGptRow(source.row, rest);
  const repaired = repairShareGptRow(conversationToShareGpt(cut.conversation).row, rest);
  return { row: repaired.row, repairs: ['observation-truncated', ...repaired.repairs] };
}

const MAX_ANCESTORS = 1_000;
const CACHED_ANCESTORS = 4_096;
/** Thread links kept (an id, its parent, a flag: some 200 bytes each), whole threads at a time. */
const CACHED_LINKS = 32_768;
const THREAD_PAGE = 500;

interface AncestorAnswer {
  parentId: string | null;
  /**
   * The thread whose links tell of the parent; null when this record's flag is unknown: it was
   * stored before the flag, and so were its ancestors (stored before it), so their links
   * could spare no read.
   */
  threadId: string | null;
  /** The final answer of the ancestor's conversation (conversation/final-answer.ts); null without one, or without reasoning. */
  last: AssistantMessage | null;
}

/** What a thread's links tell of one of its records, without its bodies. */
interface AncestorLink {
  parentId: string | null;
  /**
   * False when the record's flag says its final answer carries no reasoning, judged by the
   * converter this export derives with: reading it could give fill-reasoning nothing.
   */
  mayGiveReasoning: boolean;
}

/**
 * The ancestors withThreadReasoning walks, read as cheaply as they can be. Their parent links and
 * reasoning flags come from their thread's links (Store.listLinks: no bodies, no summary joins),
 * read once per thread for the last CACHED_LINKS links; a record is read whole (its request history decompressed, then
 * derived) only when its flag is true or unknown (stored before the flag, or by another converter
 * version), and what was read of the last CACHED_ANCESTORS of those is kept: sessions forked from
 * one prefix (a retried or branched agent run) share their early steps, and each exported leaf
 * walks them. A record its thread's links do not show (stored since they were read, or in
 * another thread) is read whole, as before the flag.
 */
class AncestorAnswers {
  readonly #answers = new Map<string, AncestorAnswer | null>();
  /** Least recently used first. */
  readonly #threads = new Map<string, Map<string, AncestorLink>>();
  #links = 0;

  /** `threadId`: the thread to look `id` up in by its links; null to read it whole at once. */
  async get(store: Store, id: string, threadId: string | null): Promise<AncestorAnswer | null> {
    const cached = this.#answers.get(id);
    if (cached !== undefined) {
      // Most recently used last.
      this.#answers.delete(id);
      this.#answers.set(id, cached);
      return cached;
    }
    const link = threadId === null ? undefined : (await this.#linksOf(store, threadId)).get(id);
    if (link !== undefined && !link.mayGiveReasoning) return { parentId: link.parentId, threadId, last: null };
    return this.#read(store, id);
  }

  async #read(store: Store, id: string): Promise<AncestorAnswer | null> {
    const ancestor = await store.get(id);
    const conversation = ancestor === null ? null : readRecord(ancestor).conversation;
    const last = conversation === null ? null : finalAnswerOf(conversation);
    const answer =
      ancestor === null
        ? null
        : { parentId: ancestor.parentId, threadId: flagKnown(ancestor) ? ancestor.threadId : null, last: last !== null && carriesReasoning(last) ? last : null };
    if (this.#answers.size >= CACHED_ANCESTORS) this.#answers.delete(this.#answers.keys().next().value!);
    this.#answers.set(id, answer);
    return answer;
  }

  async #linksOf(store: Store, threadId: string): Promise<Map<string, AncestorLink>> {
    const cached = this.#threads.get(threadId);
    if (cached !== undefined) {
      this.#threads.delete(threadId);
      this.#threads.set(threadId, cached);
      return cached;
    }
    const links = new Map<string, AncestorLink>();
    let after: string | undefined;
    for (;;) {
      const page = await store.listLinks({ threadId }, after === undefined ? { limit: THREAD_PAGE } : { limit: THREAD_PAGE, after });
      for (const link of page) {
        links.set(link.id, { parentId: link.parentId, mayGiveReasoning: !flagKnown(link) || link.responseReasoning === true });
      }
      if (page.length < THREAD_PAGE) break;
      after = page[page.length - 1]!.id;
    }
    // A thread larger than the cache is kept alone (its leaves would read it again otherwise).
    for (const [oldest, kept] of this.#threads) {
      if (this.#links + links.size <= CACHED_LINKS) break;
      this.#threads.delete(oldest);
      this.#links -= kept.size;
    }
    this.#threads.set(threadId, links);
    this.#links += links.size;
    return links;
  }
}

/** Whether the record's reasoning flag is set, by the converter this export derives with. */
function flagKnown(record: Pick<StoredExchange, 'converterVersion' | 'responseReasoning'>): boolean {
  return record.converterVersion === CONVERTER_VERSION && record.responseReasoning != null;
}

/**
 * The conversation with the reasoning of its earlier steps taken from the records that produced
 * them (fill-reasoning.ts), when the client did not send it back. Reads the ancestors only then.
 */
async function withThreadReasoning<T extends RecordReading>(store: Store, record: StoredExchange, reading: T, answers: AncestorAnswers): Promise<T & { reasoningFilled?: boolean }> {
  const conversation = reading.conversation;
  if (conversation === null || record.parentId === null || !lacksEarlierReasoning(conversation)) return reading;
  const responses: AssistantMessage[] = [];
  let parentId: string | null = record.parentId;
  let threadId: string | null = flagKnown(record) ? record.threadId : null;
  for (let steps = 0; parentId !== null && steps < MAX_ANCESTORS; steps++) {
    const ancestor = await answers.get(store, parentId, threadId);
    if (ancestor === null) break;
    if (ancestor.last !== null) responses.push(ancestor.last);
    parentId = ancestor.parentId;
    threadId = ancestor.threadId;
  }
  const filled = fillMissingReasoning(conversation, responses);
  return filled.filled === 0 ? reading : { ...reading, conversation: filled.conversation, reasoningFilled: true };
}

function withFilledRepair(repaired: { row: unknown; repairs: RepairName[] }, filled: boolean): { row: unknown; repairs: RepairName[] } {
  return filled ? { row: repaired.row, repairs: ['reasoning-filled-from-thread', ...repaired.repairs] } : repaired;
}

/** The conversation without Claude Code's billing-header line in its system prompt (training/remove-billing-header.ts). */
function withoutBillingHeader(reading: RecordReading): RecordReading & { billingHeaderRemoved?: boolean } {
  const conversation = reading.conversation;
  if (conversation === null) return reading;
  const system = removeBillingHeader(conversation.system);
  if (system === conversation.system) return reading;
  return { ...reading, conversation: { ...conversation, system }, billingHeaderRemoved: true };
}

/**
 * A row derived from the cleaned conversation has no line left to remove, but the repair was made
 * (withoutBillingHeader) and is named, as for a row that still carried it.
 */
function withHeaderRepair(repaired: { row: unknown; repairs: RepairName[] }, removedFromConversation: boolean): { row: unknown; repairs: RepairName[] } {
  if (!removedFromConversation || repaired.repairs.includes('billing-header-removed')) return repaired;
  return { row: repaired.row, repairs: ['billing-header-removed', ...repaired.repairs] };
}

/** The same for a ShareGPT row (a stored or edited one carries the line in its system column). */
function withoutRowBillingHeader(repaired: { row: unknown; repairs: RepairName[] }, keep: boolean): { row: unknown; repairs: RepairName[] } {
  if (keep || !isShareGptShape(repaired.row)) return repaired;
  const system = removeBillingHeader(repaired.row.system);
  if (system === repaired.row.system) return repaired;
  return { row: { ...repaired.row, system }, repairs: ['billing-header-removed', ...repaired.repairs] };
}

function shareGptRow(
  record: StoredExchange,
  reading: RecordReading,
  edited: boolean,
  repaired: { row: unknown; repairs: RepairName[] } | null,
  hooks: ExportHooks,
  tracker: JsonTypeTracker,
): ExportedRowDetail {
  // A reviewer who edited the row took responsibility for it: the recorded exchange's problems
  // (a truncated or failed answer) no longer apply to what they wrote.
  const reasons: ExportReason[] = edited ? [] : [...reading.exclusions];
  if (repaired === null) {
    if (reasons.length === 0) reasons.push(reason('no-conversation', 'no ShareGPT row was derived from this record'));
    return detail(record.id, 'sharegpt', null, reasons, [], [], null);
  }
  let row = repaired.row;
  // Images are saved only for a row that will be written; a row rejected for another reason keeps
  // its recorded image references and is not also blamed for them.
  let requireLocalImages = hooks.saveImage === undefined;
  if (isShareGptShape(row) && row.images.length > 0) {
    if (hooks.images === 'skip') {
      reasons.push(reason('images-skipped', `${row.images.length} image(s) and --images skip`));
      requireLocalImages = false;
    } else if (hooks.saveImage !== undefined && reasons.length === 0 && validateShareGptRow(row).valid) {
      const saved = saveImages(row, hooks.saveImage);
      row = saved.row;
      reasons.push(...saved.reasons);
      requireLocalImages = saved.reasons.length === 0;
    }
  }
  const verdict = validateShareGptRow(row, { requireLocalImages });
  reasons.push(...verdict.errors);
  if (reasons.length === 0) reasons.push(...typeConflicts(tracker, row));
  if (reasons.length === 0) tracker.record(row);
  return detail(record.id, 'sharegpt', row, reasons, repaired.repairs, verdict.warnings, isShareGptShape(row) ? rowFeatures(row) : null);
}

function saveImages(row: ShareGptRow, save: SaveImage): { row: ShareGptRow; reasons: ExportReason[] } {
  const reasons: ExportReason[] = [];
  const images = row.images.map((image, index) => {
    if (!/^(?:[a-z][a-z0-9+.-]*:\/\/|data:)/i.test(image)) return image;
    const result = save(image);
    if ('path' in result) return result.path;
    reasons.push(reason('image-not-saved', `images[${index}]: ${result.error}`));
    return image;
  });
  return { row: { ...row, images }, reasons };
}

function openAiRow(
  format: 'openai-messages' | 'openai-ft',
  record: StoredExchange,
  reading: RecordReading,
  training: TrainingRowOptions,
  hooks: ExportHooks,
  tracker: JsonTypeTracker,
): ExportedRowDetail {
  // A human edit reaches this format as it reaches ShareGPT: read back from the edited row, and
  // the recorded exchange's problems no longer apply to it.
  const edited = record.editedSharegpt !== null ? repairShareGptRow(record.editedSharegpt, training) : null;
  const conversation = edited === null ? reading.conversation : isShareGptShape(edited.row) ? shareGptToConversation(edited.row) : null;
  const reasons: ExportReason[] = edited !== null ? [] : [...reading.exclusions];
  if (conversation === null) {
    if (reasons.length === 0) reasons.push(reason('no-conversation', 'no conversation could be read from this record'));
    return detail(record.id, format, null, reasons, [], [], null);
  }
  const converted = conversationToOpenAiMessages(conversation, training);
  const row = format === 'openai-ft' ? openAiMessagesToFineTuning(converted.row) : converted.row;
  if (converted.hasImages) {
    if (format === 'openai-messages') reasons.push(reason('images-not-supported', 'a user message carries images'));
    else if (hooks.images === 'skip') reasons.push(reason('images-skipped', 'a user message carries images and --images skip'));
  }
  const last = row.messages[row.messages.length - 1];
  if (last?.role !== 'assistant') {
    reasons.push(reason('no-final-answer', `the last message is ${last === undefined ? 'missing' : `a ${last.role} message`}, not the model's answer`));
  }
  const verdict = validateOpenAiFtRow(row, { openAiMessages: format === 'openai-messages' });
  reasons.push(...verdict.errors);
  const warnings = verdict.warnings.filter((warning) => warning.code !== 'last-message-not-assistant');
  if (format === 'openai-messages') {
    if (reasons.length === 0) reasons.push(...typeConflicts(tracker, row));
    if (reasons.length === 0) tracker.record(row);
  }
  const repairs = edited === null ? converted.repairs : [...new Set([...edited.repairs, ...converted.repairs])];
  return detail(record.id, format, row, reasons, repairs, warnings, openAiRowFeatures(row));
}

function typeConflicts(tracker: JsonTypeTracker, row: unknown): ExportReason[] {
  return tracker.conflicts(row).map((conflict) =>
    reason('type-conflict', `${conflict.path} is a ${conflict.actual} here but a ${conflict.expected} in earlier rows`),
  );
}

function detail(
  id: string,
  format: ExportFormat,
  row: unknown,
  reasons: ExportReason[],
  repairs: RepairName[],
  warnings: ExportReason[],
  content: RowFeatures | null,
): ExportedRowDetail {
  return { id, format, valid: reasons.length === 0, row, reasons: reasons.map(({ code, message }) => ({ code, message })), repairs, warnings, content };
}

/** `message` says what happened to this row; EXPORT_REASONS[code] (in the report) says why that excludes it. */
function reason(code: ExportReasonCode, message: string): ExportReason {
  return { code, message };
}

function isShareGptShape(row: unknown): row is ShareGptRow {
  if (typeof row !== 'object' || row === null) return false;
  const candidate = row as Partial<ShareGptRow>;
  return (
    Array.isArray(candidate.conversations) &&
    candidate.conversations.every((turn) => typeof turn === 'object' && turn !== null && typeof turn.value === 'string') &&
    Array.isArray(candidate.images) &&
    candidate.images.every((image) => typeof image === 'string')
  );
}

/** Programming mistakes by a caller (the CLI validates user input with friendlier messages first). */
function checkOptions(options: ExportRowOptions): void {
  if (options.formats.length === 0) throw new RangeError('exportRows: at least one format is required');
  for (const format of options.formats) {
    if (!EXPORT_FORMATS.includes(format)) throw new RangeError(`exportRows: unknown format "${String(format)}"`);
  }
  if (!['confirmed', 'rejected', 'pending', 'all'].includes(options.status)) throw new RangeError(`exportRows: unknown status "${String(options.status)}"`);
  for (const [name, value] of [['limit', options.limit], ['truncateObservation', options.truncateObservation]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new RangeError(`exportRows: ${name} must be a positive integer`);
  }
}

// ---------------------------------------------------------------------------------------------
// One record on its own, for the review UI ("will it export, and if not, why").

/** Checks a data URL as MediaStore.save would, without writing the file. */
const previewImage: SaveImage = (url) => {
  const decoded = decodeDataUrl(url);
  return 'error' in decoded ? decoded : { path: `media/preview.${decoded.extension}` };
};

/**
 * The rows the export would build for one record, each valid or with its reasons: the same
 * reading, repair and validation as exportRecords, with images checked as the CLI saves them.
 * Left out: what only a whole export can tell (thread collapse, the review-state selection,
 * type conflicts between rows of a file).
 */
export function judgeRecord(record: StoredExchange, formats: readonly ExportFormat[] = EXPORT_FORMATS): ExportedRowDetail[] {
  const training: TrainingRowOptions = { reasoning: 'keep', toolsSchema: 'auto' };
  const hooks: ExportHooks = { saveImage: previewImage };
  const reading = readRecord(record);
  const source = shareGptSourceOf(record, reading);
  const repaired = source === null ? null : repairSource(source, reading, training);
  return formats.map((format) =>
    format === 'sharegpt'
      ? shareGptRow(record, reading, source?.edited === true, repaired, hooks, new JsonTypeTracker())
      : openAiRow(format, record, reading, training, hooks, new JsonTypeTracker()),
  );
}
