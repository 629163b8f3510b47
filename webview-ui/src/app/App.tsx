import './app.css';
import { useEffect, useState } from 'react';
import { usePodium } from './usePodium';
import { Announcer } from './Announcer';
import { Connecting } from './Connecting';
import { EmptyState } from './EmptyState';
import { EntryDetail } from '../entries/EntryDetail';
import { Header } from './Header';
import { PermissionStrip } from '../permissions/PermissionStrip';
import { InvalidMessageBanner } from '../warnings/InvalidMessageBanner';
import { ProblemsBanner } from '../warnings/ProblemsBanner';
import { SessionList } from '../tasks/SessionList';
import { SignOffQueue } from '../sign-off/SignOffQueue';
import { TasksBar } from '../tasks/TasksBar';
import { Timeline } from '../timeline/Timeline';
import { Toolbar } from './Toolbar';
import { WarningsPanel } from '../warnings/WarningsPanel';
import { FilesAtPlayhead } from '../replay/FilesAtPlayhead';

/**
 * The score view, top to bottom in order of urgency: what the agents are asking, the tasks and
 * their costs, the filters, the timeline of every session, then the sessions' entries and the
 * selected entry's detail.
 */
export function App() {
  const connected = usePodium((s) => s.source !== null);
  // The live score's: a replay at a moment before the first session still shows its timeline.
  const hasSessions = usePodium((s) => s.live.sessionOrder.length > 0);
  const detailOpen = usePodium((s) => s.ui.selection !== null);
  const replaying = usePodium((s) => s.playhead !== null);
  const timelineHeight = usePodium((s) => s.ui.timelineHeight);
  const later = useAfterFirstFrame(connected);

  // One tree live and in replay (so focus stays where it was as the playhead goes out); in replay
  // the stylesheet puts the timeline first, held at the top with the split under it, then the files
  // at the playhead and the score as it stood then.
  return (
    <div className={`app${replaying ? ` replaying${timelineHeight !== null ? ' split-set' : ''}` : ''}`} style={replaying && timelineHeight !== null ? { ['--timeline-height' as string]: `${timelineHeight}px` } : undefined}>
      <Header />
      <PermissionStrip />
      <InvalidMessageBanner />
      <ProblemsBanner />
      {later && <TasksBar />}
      {connected && <WarningsPanel />}
      {connected && <SignOffQueue />}
      {later && hasSessions && <Toolbar />}
      {hasSessions && <Timeline />}
      {replaying && <FilesAtPlayhead />}
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
