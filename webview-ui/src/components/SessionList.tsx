import { usePodium } from '../usePodium';
import { SessionRow } from './SessionRow';

/** The score itself: one row per session, in the order the sessions first appeared. */
export function SessionList() {
  const order = usePodium((s) => s.score.sessionOrder);
  return (
    <div className="sessions" role="list" aria-label="Sessions">
      {order.map((id) => (
        <SessionRow key={id} id={id} />
      ))}
    </div>
  );
}
