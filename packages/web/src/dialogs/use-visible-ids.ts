import { useEffect, useState, type RefObject } from 'react';

/**
 * How long the rows in view must stay put before they count: a scroll sweeps past many rows
 * nobody looks at, and each new set costs a request. 150 ms is below what reads as a delay.
 */
const SETTLE_MS = 150;

/**
 * The `data-id`s of the rows of a scroll container that are in view, once scrolling settles.
 * `rows` is whatever the container renders from: the rows are observed again when it changes.
 */
export function useVisibleIds(container: RefObject<HTMLElement | null>, rows: unknown): readonly string[] {
  const [visible, setVisible] = useState<readonly string[]>([]);

  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const inView = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reported = false;
    const report = () => {
      reported = true;
      const ids = [...inView].sort();
      setVisible((prev) => (prev.length === ids.length && prev.every((id, i) => id === ids[i]) ? prev : ids));
    };
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const id = (e.target as HTMLElement).dataset.id;
          if (id === undefined) continue;
          if (e.isIntersecting) inView.add(id);
          else inView.delete(id);
        }
        clearTimeout(timer);
        // The first set at once: the dialog just opened, and nothing is moving yet.
        timer = setTimeout(report, reported ? SETTLE_MS : 0);
      },
      { root },
    );
    for (const row of root.querySelectorAll<HTMLElement>('[data-id]')) observer.observe(row);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [container, rows]);

  return visible;
}
