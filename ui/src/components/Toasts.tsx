import { useObservable } from '../observable.js';
import { dismissToast, toasts } from '../toasts.js';

export function Toasts() {
  const list = useObservable(toasts);
  return (
    <div class="toasts" aria-live="polite">
      {list.map((toast) => (
        <div key={toast.id} class={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span>{toast.message}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
