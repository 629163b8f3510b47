/**
 * The split between the timeline and the details in replay: drag it, or focus it and use ↑ / ↓
 * (with Shift, by more). The height is kept with the rest of the view's state across reloads.
 */
import { useRef } from 'react';
import { usePodium } from '../app/usePodium';
import { t } from '../shared/l10n';

export const DEFAULT_TIMELINE_HEIGHT = () => Math.round(window.innerHeight * 0.45);

export function Split() {
  const chosen = usePodium((s) => s.ui.timelineHeight);
  const setHeight = usePodium((s) => s.setTimelineHeight);
  const drag = useRef<{ id: number; y: number; height: number } | null>(null);
  const self = useRef<HTMLDivElement>(null);
  // Until the engineer moves the split, the timeline is as tall as its lanes (up to 45% of the view).
  // Measured only when the split is moved: reading layout while rendering would force a layout on
  // every frame of a replay.
  const measured = () => self.current?.parentElement?.querySelector<HTMLElement>('.timeline-body')?.clientHeight ?? DEFAULT_TIMELINE_HEIGHT();
  return (
    <div
      ref={self}
      className="replay-split"
      role="separator"
      aria-orientation="horizontal"
      aria-label={t('replay.split')}
      aria-valuenow={chosen ?? undefined}
      aria-valuemin={40}
      aria-valuemax={4000}
      tabIndex={0}
      title={t('replay.splitHint')}
      data-testid="replay-split"
      onKeyDown={(e) => {
        const step = e.shiftKey ? 120 : 24;
        const now = chosen ?? measured();
        if (e.key === 'ArrowUp') setHeight(now - step);
        else if (e.key === 'ArrowDown') setHeight(now + step);
        else return;
        e.preventDefault();
      }}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { id: e.pointerId, y: e.clientY, height: chosen ?? measured() };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d && d.id === e.pointerId) setHeight(d.height + e.clientY - d.y);
      }}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
    />
  );
}
