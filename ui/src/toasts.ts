// Notifications (bottom right) and the confirmation dialog, callable from anywhere.
import { observable } from './observable.js';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
}

export const toasts = observable<Toast[]>([]);
let nextToastId = 1;

export function notify(message: string, kind: Toast['kind'] = 'info'): void {
  const id = nextToastId++;
  toasts.set((list) => [...list.slice(-4), { id, kind, message }]);
  setTimeout(() => dismissToast(id), kind === 'error' ? 10_000 : 4_000);
}

export function dismissToast(id: number): void {
  toasts.set((list) => list.filter((toast) => toast.id !== id));
}

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  resolve(ok: boolean): void;
}

export const confirmRequest = observable<ConfirmRequest | null>(null);

export function askConfirm(options: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  return new Promise((resolve) => {
    confirmRequest.get()?.resolve(false);
    confirmRequest.set({
      ...options,
      resolve(ok) {
        confirmRequest.set(null);
        resolve(ok);
      },
    });
  });
}
