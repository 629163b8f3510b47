import './timeline.css';
import { useEffect, useId, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isLive, sessionLabel } from '../../../src/score';
import { fullTime } from '../shared/format';
import { runNumber, sessionLook } from '../tasks/tasks';
import { TimelinePlot, LANE_HEIGHT, type LaneData, type PlotState } from './plot';
import { rangeText, spanText } from './view';
import { usePodium } from '../app/usePodium';
import { sessionFilter, visibleSessionIds } from '../entries/visible';
import { Codicon } from '../shared/Codicon';
import { Scrubber } from '../replay/Scrubber';
import { Split } from '../replay/Split';
import { t } from '../shared/l10n';
import { ToolbarButton } from '../shared/ToolbarButton';

const IDLE: PlotState = { start: 0, end: 0, mode: 'fit', live: false, activeLane: 0, focused: false };
const noSubscribe = () => () => undefined;

/**
 * The score as a timeline: one lane per session on one shared time axis, each entry a mark in its
 * kind's colour, the session's lifecycle as the lane's staff line. The canvas work lives in
 * TimelinePlot; this shell lays out the section, the lane labels and the zoom controls, and feeds
 * the plot the score. The entry list below stays the accessible way to read entries; the plot is a
 * keyboard-operable overview that selects them.
 */
export function Timeline() {
  const replaying = usePodium((s) => s.playhead !== null);
  // In replay the timeline is the main control: it is always open.
  const open = usePodium((s) => s.ui.timelineOpen) || replaying;
  const toggleSection = usePodium((s) => s.toggleSection);
  const [plot, setPlot] = useState<TimelinePlot | null>(null);
  const state = useSyncExternalStore(plot ? plot.subscribe.bind(plot) : noSubscribe, plot ? plot.getState : () => IDLE);
  const headingId = useId();
  const span = state.end - state.start;

  return (
    <section className="section timeline" aria-labelledby={headingId} data-testid="timeline">
      <div className="section-header">
        {/* Hand-made: it holds the section's heading and says aria-expanded, neither of which a toolbar button can. */}
        <button
          type="button"
          className="section-toggle"
          aria-expanded={open}
          onClick={() => toggleSection('timeline')}
          title={open ? t('timeline.hide') : t('timeline.show')}
        >
          <Codicon name={open ? 'chevron-down' : 'chevron-right'} />
          <h2 id={headingId}>{t('timeline.heading')}</h2>
        </button>
        {open && plot && span > 0 && (
          <span className="section-summary timeline-range" data-testid="timeline-range" title={t('timeline.rangeHint', { start: fullTime(state.start), end: fullTime(state.end) })}>
            {rangeText(state.start, state.end)} · {spanText(span)}
            {state.mode === 'follow' ? t('timeline.following') : ''}
          </span>
        )}
        <span className="section-spacer" />
        {open && (
          <>
            <span className="timeline-legend" aria-hidden="true">
              <span className="legend-item">
                <span className="legend-swatch swatch-queued" />
                {t('timeline.legend.queued')}
              </span>
              <span className="legend-item">
                <span className="legend-swatch swatch-running" />
                {t('timeline.legend.running')}
              </span>
              <span className="legend-item">
                <span className="legend-swatch swatch-waiting" />
                {t('timeline.legend.waiting')}
              </span>
            </span>
            <span className="timeline-controls">
              <ToolbarButton icon="zoom-out" label={t('timeline.zoomOut')} title={t('timeline.zoomOutHint')} disabled={!plot} onClick={() => plot?.zoomOut()} />
              <ToolbarButton icon="zoom-in" label={t('timeline.zoomIn')} title={t('timeline.zoomInHint')} disabled={!plot} onClick={() => plot?.zoomIn()} />
              {/* Fit and follow are toggles (aria-pressed, set from the plot's mode): hand-made, since
                  the element's `toggleable` flips itself on a click and reads as a switch. */}
              <button
                type="button"
                className="icon-button"
                aria-label={t('timeline.fit')}
                title={t('timeline.fitHint')}
                aria-pressed={state.mode === 'fit'}
                disabled={!plot}
                onClick={() => plot?.fit()}
              >
                <Codicon name="arrow-both" />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={t('timeline.follow')}
                title={state.live ? t('timeline.followHint') : t('timeline.followOff')}
                aria-pressed={state.mode === 'follow'}
                disabled={!plot || !state.live}
                onClick={() => plot?.follow()}
              >
                <Codicon name="radio-tower" />
              </button>
              <span className="icon-button keys-hint" title={t('timeline.keys')} aria-hidden="true">
                <Codicon name="keyboard" />
              </span>
            </span>
          </>
        )}
      </div>
      {open && <Scrubber />}
      {open && <TimelineBody onPlot={setPlot} activeLane={state.activeLane} focused={state.focused} />}
      {replaying && <Split />}
    </section>
  );
}

function TimelineBody({ onPlot, activeLane, focused }: { onPlot: (plot: TimelinePlot | null) => void; activeLane: number; focused: boolean }) {
  const score = usePodium((s) => s.score);
  const ids = usePodium(useShallow((s) => visibleSessionIds(s.score, s.ui.agent)));
  const kind = usePodium((s) => s.ui.kind);
  const search = usePodium((s) => s.ui.search);
  const selection = usePodium((s) => s.ui.selection);
  const loading = usePodium((s) => s.expectedTotal > 0 && s.received < s.expectedTotal);
  // In replay the plot's clock is the playhead: what was running then is drawn up to it.
  const clock = usePodium((s) => s.playhead?.ts);
  const reveal = usePodium((s) => s.reveal);
  const revealSession = usePodium((s) => s.revealSession);
  const announce = usePodium((s) => s.announce);
  const helpId = useId();

  const scroller = useRef<HTMLDivElement>(null);
  const plotEl = useRef<HTMLDivElement>(null);
  const under = useRef<HTMLCanvasElement>(null);
  const lanesEl = useRef<HTMLDivElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const axis = useRef<HTMLCanvasElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const plotRef = useRef<TimelinePlot | null>(null);
  const revealRef = useRef(reveal);
  revealRef.current = reveal;

  useLayoutEffect(() => {
    const plot = new TimelinePlot(
      { plot: plotEl.current!, under: under.current!, lanes: lanesEl.current!, over: over.current!, axis: axis.current!, tooltip: tooltip.current!, scroller: scroller.current! },
      { select: (selection) => revealRef.current(selection), announce },
    );
    plotRef.current = plot;
    onPlot(plot);
    return () => {
      plot.dispose();
      plotRef.current = null;
      onPlot(null);
    };
  }, [onPlot, announce]);

  // A layout effect, so the marks of a batch are drawn in the same frame as its rows.
  useLayoutEffect(() => {
    const lanes: LaneData[] = ids.map((id) => {
      const session = score.sessions[id]!;
      const memo = sessionFilter(id, session.entries, { kind, search });
      return {
        id,
        label: sessionLabel(score, session),
        entries: session.entries,
        open: session.open,
        pending: session.pendingPermissions,
        matches: memo.indices === null ? null : memo.matches,
        live: isLive(session),
        lastTs: session.lastTs,
      };
    });
    plotRef.current?.setData({ lanes, firstTs: score.firstTs, lastTs: score.lastTs, mayBeLive: !loading, selection, eventCount: score.eventCount, ...(clock === undefined ? {} : { clock }) });
  }, [score, ids, kind, search, selection, loading, clock]);

  // Keep the keyboard's lane and the lane labels' highlight in step when sessions come and go.
  useEffect(() => {
    if (activeLane >= ids.length && ids.length > 0) plotRef.current?.setActiveLane(ids.length - 1);
  }, [activeLane, ids.length]);

  return (
    <div className="timeline-body" ref={scroller}>
      <div className="timeline-corner" aria-hidden="true" />
      <canvas className="timeline-axis" ref={axis} aria-hidden="true" />
      <div className="timeline-labels">
        {ids.map((id, i) => {
          const session = score.sessions[id]!;
          const task = session.task === undefined ? undefined : score.tasks[session.task];
          const look = sessionLook(session, task);
          const run = runNumber(score, session);
          const label = sessionLabel(score, session);
          return (
            <div
              key={id}
              className={`timeline-lane-label${i === activeLane && focused ? ' active' : ''}`}
              data-lane={id}
              style={{ height: LANE_HEIGHT }}
              title={session.agent ? t('timeline.laneHintAgent', { label, agent: session.agent.label, state: look.text }) : t('timeline.laneHint', { label, state: look.text })}
              onClick={() => {
                plotRef.current?.setActiveLane(i);
                revealSession(id);
              }}
            >
              <span className={`codicon codicon-${look.icon ?? 'circle-filled'} tone-${look.tone}${look.icon === 'loading' ? ' codicon-modifier-spin' : ''}`} aria-hidden="true" />
              <span className="timeline-lane-name">{label}</span>
              {run !== null && <span className="lane-run">{t('session.run', { run: String(run) })}</span>}
            </div>
          );
        })}
      </div>
      <div
        ref={plotEl}
        className="timeline-plot"
        tabIndex={0}
        role="application"
        aria-roledescription="timeline"
        aria-label={t('timeline.label', { count: ids.length })}
        aria-describedby={helpId}
        data-testid="timeline-plot"
        style={{ height: Math.max(1, ids.length) * LANE_HEIGHT }}
      >
        <canvas ref={under} className="timeline-layer" data-layer="under" aria-hidden="true" />
        {/* The lanes' canvases are added here by the plot, one per session: React leaves it alone. */}
        <div ref={lanesEl} className="timeline-layer" data-layer="lanes" />
        <canvas ref={over} className="timeline-layer" data-layer="over" aria-hidden="true" />
        <div ref={tooltip} className="timeline-tooltip" hidden role="presentation">
          <div className="timeline-tooltip-title" />
          <div className="timeline-tooltip-meta" />
        </div>
      </div>
      <span id={helpId} className="sr-only">
        {t('timeline.keys')}
      </span>
    </div>
  );
}
