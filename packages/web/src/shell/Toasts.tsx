import { useCallback, useRef, useState } from 'react';

export interface Toast {
  id: number;
  text: string;
}

/** Errors from background actions (delete failed, load failed) as short-lived notices. */
export function useToasts(): {
  toasts: Toast[];
  push: (text: string) => void;
  dismiss: (id: number) => void;
} {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const push = useCallback(
    (text: string) => {
      const id = next.current++;
      setToasts((t) => [...t.slice(-2), { id, text }]);
      // Long enough to read two lines; it can also be dismissed at once.
      setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  return { toasts, push, dismiss };
}

export function ToastRegion({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  return (
    <div className="toasts" role="status" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          <span>{t.text}</span>
          <button type="button" className="link-btn" onClick={() => dismiss(t.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
