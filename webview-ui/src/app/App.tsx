import './app.css';
import { useEffect, useState } from 'react';
import { usePodium } from './usePodium';
import { Announcer } from './Announcer';
import { Connecting } from './Connecting';
import { EmptyState } from './EmptyState';
import { EntryDetail } from '../entries/EntryDetail';
import { Header } from './Header';
import { PermissionStrip } from '../permissions/PermissionStrip';
import { ProblemsBanner } from '../warnings/ProblemsBanner';
import { SessionList } from '../tasks/SessionList';
import { SignOffQueue } from '../sign-off/SignOffQueue';
import { TasksBar } from '../tasks/TasksBar';
import { Timeline } from '../timeline/Timeline';
import { Toolbar } from './Toolbar';
import { WarningsPanel } from '../warnings/WarningsPanel';

/**
 * The score view, top to bottom in order of urgency: what the agents are asking, the tasks and
 * their costs, the filters, the timeline of every session, then the sessions' entries and the
 * selected entry's detail.
 */
export function App() {
  const connected = usePodium((s) => s.source !== null);
  const hasSessions = usePodium((s) => s.score.sessionOrder.length > 0);
  const detailOpen = usePodium((s) => s.ui.selection !== null);
  const later = useAfterFirstFrame(connected);

  return (
    <div className="app">
      <Header />
      <PermissionStrip />
      <ProblemsBanner />
      {later && <TasksBar />}
      {connected && <WarningsPanel />}
      {connected && <SignOffQueue />}
      {later && hasSessions && <Toolbar />}
      {hasSessions && <Timeline />}
      <main className={`workspace${detailOpen ? ' with-detail' : ''}`}>
        {hasSessions ? <SessionList /> : connected ? <EmptyState /> : <Connecting />}
        {hasSessions && <EntryDetail />}
      </main>
      <Announcer />
    </div>
  );
}

/**
 * False until the frame after the first one the score was shown in. The tasks table and the
 * filters (whose dropdowns measure themselves, a forced layout) then mount a frame after the
 * sessions and the timeline, so a long journal's first rows are on screen sooner.
 */
function useAfterFirstFrame(ready: boolean): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (!ready || after) return;
    const show = () => setAfter(true);
    const frame = requestAnimationFrame(show);
    // A hidden webview gets no frames; it should not wait for one to build its toolbar.
    const timer = setTimeout(show, 200);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, after]);
  return after;
}
