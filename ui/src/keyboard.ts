// Keyboard shortcuts: one document listener; the view on screen registers what its keys do.
// Keys typed into a field are left alone (except Escape, which leaves the field).

export type KeyHandler = (key: string, event: KeyboardEvent) => boolean;

const viewHandlers = new Set<KeyHandler>();
let globalHandler: KeyHandler | null = null;

/** Registers a handler of the visible view (several may be, each for its own keys); returns its removal. */
export function registerKeys(handler: KeyHandler): () => void {
  viewHandlers.add(handler);
  return () => viewHandlers.delete(handler);
}

export function setGlobalKeys(handler: KeyHandler): void {
  globalHandler = handler;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

/** Where keys are typed: text inputs, text areas, selects, editable content (not checkboxes). */
function inField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}

document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (inField(event.target)) {
    if (event.key === 'Escape') (event.target as HTMLElement).blur();
    return;
  }
  // Buttons and links keep Enter and Space for themselves.
  if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof HTMLElement && event.target.closest('button, a, summary')) return;
  const key = event.key;
  if (globalHandler?.(key, event) || [...viewHandlers].some((handler) => handler(key, event))) event.preventDefault();
});
