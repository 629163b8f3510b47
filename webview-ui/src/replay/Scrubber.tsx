import './replay.css';
/**
 * The scrubber: the playhead over the whole recording, with its transport (play, speed, step, mark,
 * back to live). Live, the playhead rests at the end and says "Live"; dragging it, clicking the track
 * or pressing a replay key puts it out. The marks under the track show when decisions, warnings and
 * stagings happened, so the engineer can see where to go before going there.
 */
import { useEffect, useId, useLayoutEffect, useRef } from 'react';
import { clockTime, count, fullTime } from '../shared/format';
import { usePodium } from '../app/usePodium';
import { Codicon } from '../shared/Codicon';
import { handleReplayKey, REPLAY_KEYS } from './keys';
import { Markers, type MarkKind } from './markers';
import { SPEEDS } from './slice';

const KEYS_TEXT = REPLAY_KEYS.map((k) => `${k.keys}: ${k.what}`).join('; ');

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

  const label = playhead === null ? 'Live' : `${clockTime(at.ts)} · event ${count(at.count)} of ${count(length)}`;

  return (
    <div
      className={`scrubber${playhead === null ? ' is-live' : ' is-replay'}`}
      data-testid="scrubber"
      onKeyDown={(e) => {
        if ((e.target as HTMLElement).closest('button') && (e.key === ' ' || e.key === 'Enter')) return;
        if (playhead === null && e.key !== 'Escape' && e.key !== 'Tab' && !e.ctrlKey && !e.metaKey && !e.altKey) {
          // A replay key while live puts the playhead out at the end first.
          if (REPLAY_KEY_NAMES.has(e.key.length === 1 ? e.key.toLowerCase() : e.key)) actions.enterReplay();
        }
        if (handleReplayKey(e, actions)) e.preventDefault();
      }}
    >
      <div className="scrubber-transport">
        <button
          type="button"
          className="icon-button"
          aria-label={playing ? 'Pause' : 'Play'}
          title={playing ? 'Pause (Space)' : 'Play from the playhead (Space)'}
          disabled={length === 0}
          onClick={() => actions.togglePlay()}
          data-testid="replay-play"
        >
          <Codicon name={playing ? 'debug-pause' : 'play'} />
        </button>
        <span className="scrubber-speeds" role="group" aria-label="Speed">
          {SPEEDS.map((s, i) => (
            <button key={s} type="button" aria-pressed={speed === s} title={`${s}× (${i + 1})`} onClick={() => actions.setSpeed(s)}>
              {s}×
            </button>
          ))}
        </span>
        <button type="button" className="icon-button" aria-label="Previous entry" title="Previous entry (←)" disabled={length === 0} onClick={() => (playhead === null && actions.enterReplay(), actions.step('entry', -1))}>
          <Codicon name="chevron-left" />
        </button>
        <button type="button" className="icon-button" aria-label="Next entry" title="Next entry (→)" disabled={playhead === null} onClick={() => actions.step('entry', 1)}>
          <Codicon name="chevron-right" />
        </button>
        <span className="scrubber-time" data-testid="replay-time" title={playhead === null ? 'The score as it stands now' : fullTime(at.ts)}>
          {label}
        </span>
      </div>
      <div
        ref={track}
        className="scrubber-track"
        role="slider"
        tabIndex={0}
        aria-label="Playhead"
        aria-describedby={helpId}
        aria-valuemin={0}
        aria-valuemax={length}
        aria-valuenow={at.count}
        aria-valuetext={playhead === null ? `Live, ${count(length)} events` : `${fullTime(at.ts)}, event ${count(at.count)} of ${count(length)}`}
        data-testid="replay-track"
        onPointerDown={(e) => {
          if (e.button !== 0 || length === 0) return;
          track.current!.setPointerCapture(e.pointerId);
          dragging.current = e.pointerId;
          if (playhead === null) actions.enterReplay(tsAt(e.clientX));
          else actions.seekTime(tsAt(e.clientX));
        }}
        onPointerMove={(e) => {
          if (dragging.current === e.pointerId) actions.seekTime(tsAt(e.clientX));
        }}
        onPointerUp={(e) => {
          if (dragging.current === e.pointerId) dragging.current = null;
        }}
        onPointerCancel={() => (dragging.current = null)}
      >
        <canvas ref={canvas} className="scrubber-marks" aria-hidden="true" />
        <div className="scrubber-played" style={{ width: `${fraction * 100}%` }} aria-hidden="true" />
        {markFraction !== null && <div className="scrubber-mark" style={{ left: `${markFraction * 100}%` }} title={`Marked: ${fullTime(mark!.ts)}`} aria-hidden="true" />}
        <div className="scrubber-playhead" style={{ left: `${fraction * 100}%` }} aria-hidden="true" />
      </div>
      <div className="scrubber-transport">
        <button
          type="button"
          className="icon-button"
          aria-label={mark && playhead && mark.count === playhead.count ? 'Clear the mark' : 'Mark this moment'}
          title="Mark this moment to compare files with (M)"
          aria-pressed={mark !== null}
          disabled={length === 0}
          onClick={() => (playhead === null && actions.enterReplay(), actions.toggleMark())}
          data-testid="replay-mark"
        >
          <Codicon name="pin" />
        </button>
        {playhead === null ? (
          <button type="button" className="text-button" onClick={() => actions.enterReplay(firstTs)} disabled={length === 0} title="Put the playhead at the start of the recording" data-testid="replay-enter">
            <Codicon name="history" /> Replay
          </button>
        ) : (
          <button type="button" className="text-button" onClick={() => actions.goLive()} title="Back to the score as it stands now (Escape)" data-testid="replay-live">
            <Codicon name="radio-tower" /> Back to live
          </button>
        )}
      </div>
      <span id={helpId} className="sr-only">
        Drag or use the keys. {KEYS_TEXT}.
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
