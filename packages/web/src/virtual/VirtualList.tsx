import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type Ref,
} from 'react';
import { computeOffsets, rowAt, visibleRange } from './virtual-layout.ts';

export interface VirtualListHandle {
  scrollToBottom(): void;
  isAtBottom(): boolean;
}

interface Props<T> {
  items: readonly T[];
  getKey: (item: T) => string;
  estimateHeight: (item: T) => number;
  renderItem: (item: T) => ReactNode;
  /** Called when the user scrolls near the top (to load older rows). */
  onNearTop?: () => void;
  /** Called when "at the bottom" changes. */
  onAtBottomChange?: (atBottom: boolean) => void;
  handleRef?: Ref<VirtualListHandle>;
  label: string;
  className?: string;
  header?: ReactNode;
}

/** Pixels rendered beyond the viewport each way: enough for a fast wheel flick without blanks. */
const OVERSCAN = 800;
/** Within this distance of the bottom we count as "at the bottom" and follow new rows. */
const STICK_THRESHOLD = 48;
const NEAR_TOP = 400;
/** A scroll gesture counts as over after this long without scroll events. */
const SCROLL_IDLE_MS = 150;

/**
 * A list that renders only the rows near the viewport, measuring each rendered row. It follows new
 * rows while the user is at the bottom and keeps the first visible row still when rows are added
 * above (older history) or change height, so reading is never disturbed.
 */
export function VirtualList<T>({
  items,
  getKey,
  estimateHeight,
  renderItem,
  onNearTop,
  onAtBottomChange,
  handleRef,
  label,
  className,
  header,
}: Props<T>) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const windowRef = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const stick = useRef(true);
  const lastTop = useRef(0);
  const lastItems = useRef(items);
  /** Where we last scrolled to ourselves; a scroll event landing there is not the user's. */
  const ownScroll = useRef<number | null>(null);
  const userScrolling = useRef(false);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [measureVersion, setMeasureVersion] = useState(0);
  const [headerHeight, setHeaderHeight] = useState(0);
  const headerRef = useRef<HTMLDivElement>(null);

  const keys = useMemo(() => items.map(getKey), [items, getKey]);
  const offsets = useMemo(() => {
    void measureVersion;
    const h = new Float64Array(items.length);
    items.forEach((item, i) => {
      h[i] = heights.current.get(keys[i] ?? '') ?? estimateHeight(item);
    });
    return computeOffsets(h);
  }, [items, keys, estimateHeight, measureVersion]);
  const total = offsets[offsets.length - 1] ?? 0;
  const { start, end } = visibleRange(offsets, Math.max(0, scrollTop - headerHeight), viewport, OVERSCAN);

  const rememberAnchor = useCallback(
    (top: number) => {
      const y = Math.max(0, top - headerHeight);
      const i = rowAt(offsets, y);
      const key = keys[i];
      anchor.current = key === undefined ? null : { key, delta: (offsets[i] ?? 0) - y };
    },
    [offsets, keys, headerHeight],
  );

  // Measure rendered rows, then restore the scroll position: the bottom when following, else the
  // anchor row at the same distance from the top of the viewport.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    const win = windowRef.current;
    if (!scroller || !win) return;
    let changed = false;
    for (const el of win.children) {
      const key = (el as HTMLElement).dataset.key;
      if (key === undefined) continue;
      const h = (el as HTMLElement).offsetHeight;
      if (heights.current.get(key) !== h) {
        heights.current.set(key, h);
        changed = true;
      }
    }
    const hh = headerRef.current?.offsetHeight ?? 0;
    if (hh !== headerHeight) setHeaderHeight(hh);
    if (changed) {
      setMeasureVersion((v) => v + 1);
      return;
    }
    const itemsChanged = lastItems.current !== items;
    lastItems.current = items;
    const scrollTo = (target: number) => {
      if (Math.abs(scroller.scrollTop - target) <= 1) return;
      scroller.scrollTop = target;
      ownScroll.current = scroller.scrollTop;
    };
    if (stick.current) {
      scrollTo(scroller.scrollHeight - scroller.clientHeight);
    } else if (anchor.current && (itemsChanged || !userScrolling.current)) {
      // Rows added above (older history) move the view at once. Rows merely measured while the
      // user scrolls wait for the scroll to settle: setting scrollTop mid-gesture would cancel a
      // smooth scroll (keyboard, touchpad) halfway.
      const i = keys.indexOf(anchor.current.key);
      if (i >= 0) scrollTo((offsets[i] ?? 0) + headerHeight - anchor.current.delta);
    }
  });

  useEffect(
    () => () => {
      if (idleTimer.current) clearTimeout(idleTimer.current);
    },
    [],
  );

  useEffect(() => {
    const scroller = scrollerRef.current;
    const win = windowRef.current;
    if (!scroller || !win) return;
    const ro = new ResizeObserver(() => {
      setViewport(scroller.clientHeight);
      setMeasureVersion((v) => v + 1);
    });
    ro.observe(scroller);
    ro.observe(win);
    if (headerRef.current) ro.observe(headerRef.current);
    setViewport(scroller.clientHeight);
    return () => ro.disconnect();
  }, []);

  const onScroll = () => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const top = scroller.scrollTop;
    if (ownScroll.current !== null && Math.abs(top - ownScroll.current) <= 1) {
      ownScroll.current = null;
    } else {
      userScrolling.current = true;
      if (idleTimer.current) clearTimeout(idleTimer.current);
      idleTimer.current = setTimeout(() => {
        userScrolling.current = false;
        setMeasureVersion((v) => v + 1);
      }, SCROLL_IDLE_MS);
    }
    const atBottom = top + scroller.clientHeight >= scroller.scrollHeight - STICK_THRESHOLD;
    // Scroll events arrive a frame late: rows measured taller meanwhile would look like the user
    // scrolled away from the bottom. Only a move upwards (the user's doing) stops following.
    const movedUp = top < lastTop.current - 1;
    lastTop.current = top;
    const next = atBottom || (stick.current && !movedUp);
    if (next !== stick.current) onAtBottomChange?.(next);
    stick.current = next;
    rememberAnchor(top);
    setScrollTop(top);
    if (top < NEAR_TOP) onNearTop?.();
  };

  useImperativeHandle(
    handleRef,
    () => ({
      scrollToBottom() {
        const scroller = scrollerRef.current;
        if (!scroller) return;
        if (!stick.current) onAtBottomChange?.(true);
        stick.current = true;
        scroller.scrollTop = scroller.scrollHeight;
        ownScroll.current = scroller.scrollTop;
      },
      isAtBottom: () => stick.current,
    }),
    [onAtBottomChange],
  );

  return (
    <div
      ref={scrollerRef}
      className={className ? `vlist ${className}` : 'vlist'}
      onScroll={onScroll}
      onKeyDown={(e) => {
        // Home and End go to the real ends: the first message loaded and the newest one, even as
        // rows are measured on the way (a native smooth scroll would stop at a stale end).
        const scroller = scrollerRef.current;
        if (!scroller || e.target !== scroller) return;
        if (e.key === 'End') {
          e.preventDefault();
          if (!stick.current) onAtBottomChange?.(true);
          stick.current = true;
          scroller.scrollTop = scroller.scrollHeight;
          ownScroll.current = scroller.scrollTop;
        } else if (e.key === 'Home') {
          e.preventDefault();
          scroller.scrollTop = 0;
        }
      }}
      role="log"
      aria-label={label}
      tabIndex={0}
    >
      <div ref={headerRef}>{header}</div>
      <div className="vlist-space" style={{ height: total }}>
        <div
          ref={windowRef}
          className="vlist-window"
          style={{ transform: `translateY(${offsets[start] ?? 0}px)` }}
        >
          {items.slice(start, end).map((item, i) => (
            <div key={keys[start + i]} data-key={keys[start + i]} className="vlist-row">
              {renderItem(item)}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
