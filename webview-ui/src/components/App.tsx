import { usePodium } from '../usePodium';
import { Announcer } from './Announcer';
import { Connecting } from './Connecting';
import { EmptyState } from './EmptyState';
import { EntryDetail } from './EntryDetail';
import { Header } from './Header';
import { PermissionStrip } from './PermissionStrip';
import { ProblemsBanner } from './ProblemsBanner';
import { SessionList } from './SessionList';
import { SignOffQueue } from './SignOffQueue';
import { TasksBar } from './TasksBar';
import { Timeline } from './Timeline';
import { Toolbar } from './Toolbar';
import { WarningsPanel } from './WarningsPanel';

/**
 * The score view, top to bottom in order of urgency: what the agents are asking, the tasks and
 * their costs, the filters, the timeline of every session, then the sessions' entries and the
 * selected entry's detail.
 */
export function App() {
  const connected = usePodium((s) => s.source !== null);
  const hasSessions = usePodium((s) => s.score.sessionOrder.length > 0);
  const detailOpen = usePodium((s) => s.ui.selection !== null);

  return (
    <div className="app">
      <Header />
      <PermissionStrip />
      <ProblemsBanner />
      {connected && <TasksBar />}
      {connected && <WarningsPanel />}
      {connected && <SignOffQueue />}
      {hasSessions && <Toolbar />}
      {hasSessions && <Timeline />}
      <main className={`workspace${detailOpen ? ' with-detail' : ''}`}>
        {hasSessions ? <SessionList /> : connected ? <EmptyState /> : <Connecting />}
        {hasSessions && <EntryDetail />}
      </main>
      <Announcer />
    </div>
  );
}
