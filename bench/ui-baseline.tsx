/**
 * The UI benchmark's baseline: the score view as it is usually first written, without windowing or
 * a canvas. Every entry is a row in the DOM and a positioned mark on its session's lane, folded
 * with the same reducer from the same host messages (all queued messages at once per frame). Built
 * and served by bench/ui.ts only; never shipped.
 */
import { memo, useLayoutEffect, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { emptyScore, reduceAll, type Entry, type ScoreState, type SessionState } from '../src/score';

let score: ScoreState = emptyScore();
let queue: unknown[] = [];
let scheduled = false;
const listeners = new Set<() => void>();

function flush(): void {
  scheduled = false;
  const messages = queue;
  queue = [];
  let events: unknown[] = [];
  for (const raw of messages) {
    const m = raw as { type?: string; events?: unknown[] };
    if (m.type === 'reset') {
      events = [];
      score = emptyScore();
    } else if (m.type === 'events' && Array.isArray(m.events)) {
      for (const e of m.events) events.push(e);
    }
  }
  score = reduceAll(score, events);
  for (const l of listeners) l();
}

window.addEventListener('message', (e: MessageEvent) => {
  queue.push(e.data);
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(flush);
  }
});

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

const clock = (ts: number) => new Date(ts).toISOString().slice(11, 19);

const Row = memo(function Row({ session, entry }: { session: string; entry: Entry }) {
  return (
    <div className={`row kind-${entry.kind}`} data-entry-id={`${session}/${entry.id}`}>
      <span className="time">{clock(entry.ts)}</span>
      <span className="kind">{entry.kind}</span>
      <span className="title">{entry.title}</span>
    </div>
  );
});

const Session = memo(function Session({ session }: { session: SessionState }) {
  return (
    <section className="session">
      <h2>
        {session.agent?.label ?? session.id} · {session.entries.length} entries
      </h2>
      {session.entries.map((e) => (
        <Row key={e.id} session={session.id} entry={e} />
      ))}
    </section>
  );
});

const Lane = memo(function Lane({ session, first, last }: { session: SessionState; first: number; last: number }) {
  const span = Math.max(1, last - first);
  return (
    <div className="lane">
      {session.entries.map((e) => (
        <span key={e.id} className={`mark kind-${e.kind}`} style={{ left: `${((e.ts - first) / span) * 100}%` }} />
      ))}
    </div>
  );
});

function App() {
  const s = useSyncExternalStore(subscribe, () => score);
  useLayoutEffect(() => {
    document.getElementById('root')!.dataset.events = String(s.eventCount);
  }, [s]);
  return (
    <div className="app">
      <header>{s.eventCount} events</header>
      <div className="timeline">
        {s.sessionOrder.map((id) => (
          <Lane key={id} session={s.sessions[id]!} first={s.firstTs} last={s.lastTs} />
        ))}
      </div>
      <div className="sessions">
        {s.sessionOrder.map((id) => (
          <Session key={id} session={s.sessions[id]!} />
        ))}
      </div>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
