import './replay.css';
/**
 * The scrubber: the playhead over the whole recording, with its transport (play, speed, step, mark,
 * back to live). Live, the playhead rests at the end and says "Live"; dragging it, clicking the track
 * or pressing a replay key puts it out. The marks under the track show when decisions, warnings and
 * stagings happened, so the engineer can see where to go before going there.
 */
import { useEffect, useId, useLayoutEffect, useRef } from 'react';
import { clockTime, fullTime } from '../shared/format';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { handleReplayKey, REPLAY_KEYS } from './keys';
import { Markers, type MarkKind } from './markers';
import { SPEEDS } from './slice';
import { t } from '../shared/l10n';
import { ToolbarButton } from '../shared/ToolbarButton';

const keysText = () => REPLAY_KEYS.map((k) => t('replay.keyText', { keys: k.keys, what: t(k.what) })).join(t('list.semicolon'));

export function Scrubber() {
  const playhead = usePodium((s) => s.playhead);
  const mark = usePodium((s) => s.mark);
  const playing = usePodium((s) => s.playing);
  const speed = usePodium((s) => s.speed);
  const recording = usePodium((s) => s.recording);
  const actions = usePodium((s) => s.replay);
  const model = usePodium((s) => s.replayModel);
  const helpId = useId();
  const track = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const markers = useRef(new Markers());
  const dragging = useRef<number | null>(null);
  // A mouse reports moves faster than frames: seek once per frame, to the latest.
  const pendingSeek = useRef<{ ts: number; frame: number } | null>(null);
  const seekSoon = (ts: number) => {
    if (pendingSeek.current) return void (pendingSeek.current.ts = ts);
    const frame = requestAnimationFrame(() => {
      const to = pendingSeek.current?.ts;
      pendingSeek.current = null;
      if (to !== undefined) actions.seekTime(to);
    });
    pendingSeek.current = { ts, frame };
  };
  useEffect(() => () => {
    if (pendingSeek.current) cancelAnimationFrame(pendingSeek.current.frame);
  }, []);

  usePlayLoop(playing, actions.playFrame);

  const { firstTs, lastTs, length } = recording;
  const span = Math.max(1, lastTs - firstTs);
  const at = playhead ?? { count: length, ts: lastTs };
  const fraction = length === 0 ? 1 : Math.max(0, Math.min(1, (at.ts - firstTs) / span));
  const markFraction = mark ? Math.max(0, Math.min(1, (mark.ts - firstTs) / span)) : null;

  // Redraw the marks as the recording grows or the track is resized.
  useLayoutEffect(() => {
    const el = canvas.current;
    const box = track.current;
    if (!el || !box) return;
    const draw = () => {
      const width = box.clientWidth;
      const height = el.clientHeight || 12;
      const dpr = window.devicePixelRatio || 1;
      if (el.width !== Math.round(width * dpr) || el.height !== Math.round(height * dpr)) {
        el.width = Math.round(width * dpr);
        el.height = Math.round(height * dpr);
      }
      const ctx = el.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      markers.current.update(model());
      const style = getComputedStyle(el);
      const colour: Record<MarkKind, string> = {
        decision: style.getPropertyValue('--mark-decision').trim() || 'steelblue',
        warning: style.getPropertyValue('--mark-warning').trim() || 'orange',
        staging: style.getPropertyValue('--mark-staging').trim() || 'green',
      };
      markers.current.draw(ctx, width, height, firstTs, lastTs, colour);
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(box);
    return () => observer.disconnect();
  }, [model, firstTs, lastTs, length]);

  const tsAt = (clientX: number) => {
    const box = track.current!.getBoundingClientRect();
    return firstTs + ((clientX - box.left) / Math.max(1, box.width)) * span;
  };

  const label = playhead === null ? t('replay.live') : t('replay.position', { time: clockTime(at.ts), index: at.count, total: length });

  return (
    <div
      className={`scrubber${playhead === null ? ' is-live' : ' is-replay'}`}
      data-testid="scrubber"
      onKeyDown={(e) => {
        // A button's own keys (a toolbar button's come from inside it, so the event names the element).
        if ((e.target as HTMLElement).closest('button, vscode-toolbar-button') && (e.key === ' ' || e.key === 'Enter')) return;
        if (playhead === null && e.key !== 'Escape' && e.key !== 'Tab' && !e.ctrlKey && !e.metaKey && !e.altKey) {
          // A replay key while live puts the playhead out at the end first.
          if (REPLAY_KEY_NAMES.has(e.key.length === 1 ? e.key.toLowerCase() : e.key)) actions.enterReplay();
        }
        if (handleReplayKey(e, actions)) e.preventDefault();
      }}
    >
      <div className="scrubber-transport">
        {/* Hand-made: its name (Play / Pause) is read off this element by tests and the e2e suite,
            and a toolbar button keeps its name inside its shadow root. */}
        <button
          type="button"
          className="icon-button"
          aria-label={playing ? t('replay.pause') : t('replay.play')}
          title={playing ? t('replay.pauseHint') : t('replay.playHint')}
          disabled={length === 0}
          onClick={() => actions.togglePlay()}
          data-testid="replay-play"
        >
          <Codicon name={playing ? 'debug-pause' : 'play'} />
        </button>
        {/* Toggles (aria-pressed): hand-made, since the element's `toggleable` flips itself on a click and reads as a switch. */}
        <span className="scrubber-speeds" role="group" aria-label={t('replay.speed')}>
          {SPEEDS.map((s, i) => (
            <button key={s} type="button" aria-pressed={speed === s} title={t('replay.speedHint', { speed: String(s), key: String(i + 1) })} onClick={() => actions.setSpeed(s)}>
              {t('replay.speedLabel', { speed: String(s) })}
            </button>
          ))}
        </span>
        <ToolbarButton icon="chevron-left" label={t('replay.previous')} title={t('replay.previousHint')} disabled={length === 0} onClick={() => (playhead === null && actions.enterReplay(), actions.step('entry', -1))} />
        <ToolbarButton icon="chevron-right" label={t('replay.next')} title={t('replay.nextHint')} disabled={playhead === null} onClick={() => actions.step('entry', 1)} />
        <span className="scrubber-time" data-testid="replay-time" title={playhead === null ? t('replay.liveHint') : fullTime(at.ts)}>
          {label}
        </span>
      </div>
      <div
        ref={track}
        className="scrubber-track"
        role="slider"
        tabIndex={0}
        aria-label={t('replay.playhead')}
        aria-describedby={helpId}
        aria-valuemin={0}
        aria-valuemax={length}
        aria-valuenow={at.count}
        aria-valuetext={playhead === null ? t('replay.liveValue', { count: length }) : t('replay.value', { time: fullTime(at.ts), index: at.count, total: length })}
        data-testid="replay-track"
        onPointerDown={(e) => {
          if (e.button !== 0 || length === 0) return;
          // Capture keeps the drag when the pointer leaves the track (a pointer the browser does not
          // know, as a synthetic one, cannot be captured: the drag then follows moves on the track).
          try {
            track.current!.setPointerCapture(e.pointerId);
          } catch {
            /* not capturable */
          }
          dragging.current = e.pointerId;
          if (playhead === null) actions.enterReplay(tsAt(e.clientX));
          else actions.seekTime(tsAt(e.clientX));
        }}
        onPointerMove={(e) => {
          if (dragging.current === e.pointerId) seekSoon(tsAt(e.clientX));
        }}
        onPointerUp={(e) => {
          if (dragging.current === e.pointerId) dragging.current = null;
        }}
        onPointerCancel={() => (dragging.current = null)}
      >
        <canvas ref={canvas} className="scrubber-marks" aria-hidden="true" />
        <div className="scrubber-played" style={{ width: `${fraction * 100}%` }} aria-hidden="true" />
        {markFraction !== null && <div className="scrubber-mark" style={{ left: `${markFraction * 100}%` }} title={t('replay.marked', { time: fullTime(mark!.ts) })} aria-hidden="true" />}
        <div className="scrubber-playhead" style={{ left: `${fraction * 100}%` }} aria-hidden="true" />
      </div>
      <div className="scrubber-transport">
        {/* A toggle (aria-pressed): hand-made, as the speeds are. */}
        <button
          type="button"
          className="icon-button"
          aria-label={mark && playhead && mark.count === playhead.count ? t('replay.clearMark') : t('replay.mark')}
          title={t('replay.markHint')}
          aria-pressed={mark !== null}
          disabled={length === 0}
          onClick={() => (playhead === null && actions.enterReplay(), actions.toggleMark())}
          data-testid="replay-mark"
        >
          <Codicon name="pin" />
        </button>
        {playhead === null ? (
          <button type="button" className="text-button" onClick={() => actions.enterReplay(firstTs)} disabled={length === 0} title={t('replay.enterHint')} data-testid="replay-enter">
            <Codicon name="history" /> {t('replay.enter')}
          </button>
        ) : (
          <button type="button" className="text-button" onClick={() => actions.goLive()} title={t('replay.goLiveHint')} data-testid="replay-live">
            <Codicon name="radio-tower" /> {t('replay.goLive')}
          </button>
        )}
      </div>
      <span id={helpId} className="sr-only">
        {t('replay.help', { keys: keysText() })}
      </span>
    </div>
  );
}

const REPLAY_KEY_NAMES = new Set([' ', '1', '2', '3', 'ArrowLeft', 'ArrowRight', 'd', 'w', 's', 'Home', 'End', 'm']);

/** While playing, advances the playhead every frame by the wall-clock time that passed. */
function usePlayLoop(playing: boolean, playFrame: (elapsedMs: number) => void): void {
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = 0;
    const tick = (now: number) => {
      playFrame(Math.min(250, now - last));
      last = now;
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, playFrame]);
}
