// One ShareGPT turn as a chat bubble: human and gpt text as sanitized markdown (with `<image>`
// placeholders shown as the images), reasoning collapsible and set apart, tool calls and results
// as pretty JSON. Editable: the new text is stored as the edited row.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ShareGptTurn } from '../../../src/admin/api-types.js';
import { callShape, parseModelTurn, parseObservation, splitImages } from '../parse-turn.js';
import { hostOf, isInlineImage, isSafeImageSource } from '../render-markdown.js';
import { MarkedText } from './Findings.js';
import { JsonBlock } from './JsonBlock.js';
import { Markdown } from './Markdown.js';

const ROLE_LABEL: Record<ShareGptTurn['from'], string> = {
  human: 'User',
  gpt: 'Assistant',
  function_call: 'Tool call',
  observation: 'Tool result',
};

export function ImageView({ url, index }: { url: string | undefined; index: number }) {
  // A remote image is fetched only on a click: opening a record must not tell its host it is read.
  const [load, setLoad] = useState(false);
  if (url === undefined) return <div class="image-missing">[image {index + 1}: missing from the record]</div>;
  if (!isSafeImageSource(url)) {
    return (
      <div class="image-missing" title={url.slice(0, 300)}>
        [image {index + 1} not shown: only https and data: images are loaded]
      </div>
    );
  }
  if (!isInlineImage(url) && !load) {
    return (
      <button type="button" class="image-remote" title={url.slice(0, 300)} onClick={() => setLoad(true)}>
        [image {index + 1} from {hostOf(url)}: click to load]
      </button>
    );
  }
  return (
    <a class="image-link" href={url.startsWith('https:') ? url : undefined} target="_blank" rel="noopener noreferrer">
      <img class="turn-image" src={url} alt={`image ${index + 1}`} loading="lazy" referrerpolicy="no-referrer" />
    </a>
  );
}

function TextWithImages({ text, images, firstImage }: { text: string; images: readonly string[]; firstImage: number }) {
  const { segments } = splitImages(text, firstImage);
  return (
    <>
      {segments.map((segment, index) =>
        'image' in segment ? <ImageView key={`i${index}`} url={images[segment.image]} index={segment.image} /> : <Markdown key={`t${index}`} text={segment.text} />,
      )}
    </>
  );
}

function Reasoning({ text }: { text: string }) {
  return (
    <details class="reasoning">
      <summary>
        <span class="reasoning-label">Reasoning</span>
        <span class="muted">{text.length.toLocaleString()} characters</span>
      </summary>
      <div class="reasoning-body">
        <Markdown text={text} />
      </div>
    </details>
  );
}

function Body({ turn, images, firstImage }: { turn: ShareGptTurn; images: readonly string[]; firstImage: number }) {
  if (turn.from === 'human') return <TextWithImages text={turn.value} images={images} firstImage={firstImage} />;
  if (turn.from === 'observation') {
    const parts = parseObservation(turn.value);
    return (
      <>
        {parts.map((part, index) => (
          <div key={index} class="observation-part">
            {parts.length > 1 && <div class="part-label">Result {index + 1}</div>}
            {'json' in part ? (
              <JsonBlock value={part.json} />
            ) : (
              <pre class="plain-text">
                <MarkedText text={part.text} />
              </pre>
            )}
          </div>
        ))}
      </>
    );
  }
  const parsed = parseModelTurn(turn.from, turn.value);
  return (
    <>
      {parsed.reasoning !== null && parsed.reasoning !== '' && <Reasoning text={parsed.reasoning} />}
      {parsed.text !== '' && <TextWithImages text={parsed.text} images={images} firstImage={firstImage} />}
      {parsed.calls?.map((call, index) => {
        const shape = callShape(call);
        return (
          <div key={index} class="call">
            <div class="call-name">
              <span class="call-fn">ƒ</span> {shape?.name ?? 'call'}
            </div>
            <JsonBlock value={shape ? shape.arguments : call} />
          </div>
        );
      })}
      {parsed.unparsedCalls !== null && (
        <div class="call call-invalid">
          <div class="call-name">Call JSON that does not parse</div>
          <pre class="plain-text">
            <MarkedText text={parsed.unparsedCalls} />
          </pre>
        </div>
      )}
    </>
  );
}

export interface TurnProps {
  turn: ShareGptTurn;
  index: number;
  images: readonly string[];
  /** Index in `images` of this turn's first `<image>`. */
  firstImage: number;
  editing: boolean;
  changed: boolean;
  onStartEdit(): void;
  onCancelEdit(): void;
  onSave(value: string): void;
}

export function Turn({ turn, index, images, firstImage, editing, changed, onStartEdit, onCancelEdit, onSave }: TurnProps) {
  const [draft, setDraft] = useState(turn.value);
  const area = useRef<HTMLTextAreaElement>(null);
  // Layout effect: the editor has the focus before the next key press is handled (Escape must cancel the edit, not leave the page).
  useLayoutEffect(() => {
    if (editing) {
      setDraft(turn.value);
      area.current?.focus();
      resize();
    }
  }, [editing, turn.value]);
  const resize = () => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight + 4, window.innerHeight * 0.7)}px`;
  };
  return (
    <article class={`turn turn-${turn.from} ${editing ? 'turn-editing' : ''}`} data-turn={index} data-role={turn.from}>
      <header class="turn-header">
        <span class="turn-role">{ROLE_LABEL[turn.from]}</span>
        {changed && <span class="tag tag-edited">edited</span>}
        {!editing && (
          <button type="button" class="link-button turn-edit" onClick={onStartEdit} aria-label={`Edit turn ${index + 1}`}>
            Edit
          </button>
        )}
      </header>
      {editing ? (
        <div class="turn-editor">
          <textarea
            ref={area}
            class="input editor"
            value={draft}
            aria-label={`Text of turn ${index + 1}`}
            onInput={(event) => {
              setDraft(event.currentTarget.value);
              resize();
            }}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                onCancelEdit();
              }
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) onSave(draft);
            }}
          />
          <div class="editor-actions">
            <span class="muted">Ctrl+Enter saves · Esc cancels · the original capture is kept</span>
            <button type="button" class="button" onClick={onCancelEdit}>
              Cancel
            </button>
            <button type="button" class="button button-primary" disabled={draft === turn.value} onClick={() => onSave(draft)}>
              Save edit
            </button>
          </div>
        </div>
      ) : (
        <div class="turn-body">
          <Body turn={turn} images={images} firstImage={firstImage} />
        </div>
      )}
    </article>
  );
}
