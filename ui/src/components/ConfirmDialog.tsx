// The one modal confirmation (delete, bulk actions). Enter confirms, Escape cancels.
import { useEffect, useRef } from 'preact/hooks';
import { useObservable } from '../observable.js';
import { confirmRequest } from '../toasts.js';

export function ConfirmDialog() {
  const request = useObservable(confirmRequest);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (request) confirmButton.current?.focus();
  }, [request]);
  if (!request) return null;
  return (
    <div class="overlay" onClick={(event) => event.target === event.currentTarget && request.resolve(false)}>
      <div
        class="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            request.resolve(false);
          }
        }}
      >
        <h2 id="confirm-title">{request.title}</h2>
        <p>{request.message}</p>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={() => request.resolve(false)}>
            Cancel
          </button>
          <button
            type="button"
            ref={confirmButton}
            class={`button ${request.danger ? 'button-danger' : 'button-primary'}`}
            onClick={() => request.resolve(true)}
          >
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
