import { usePodium } from '../usePodium';
import { Announcer } from './Announcer';
import { Connecting } from './Connecting';
import { EmptyState } from './EmptyState';
import { EntryDetail } from './EntryDetail';
import { Header } from './Header';
import { ProblemsBanner } from './ProblemsBanner';
import { SessionList } from './SessionList';
import { Toolbar } from './Toolbar';

/** The score view: header, filters, problems, the session rows and the selected entry's detail. */
export function App() {
  const connected = usePodium((s) => s.source !== null);
  const hasSessions = usePodium((s) => s.score.sessionOrder.length > 0);
  const detailOpen = usePodium((s) => s.ui.selection !== null);

  return (
    <div className="app">
      <Header />
      {hasSessions && <Toolbar />}
      <ProblemsBanner />
      <main className={`workspace${detailOpen ? ' with-detail' : ''}`}>
        {hasSessions ? <SessionList /> : connected ? <EmptyState /> : <Connecting />}
        {hasSessions && <EntryDetail />}
      </main>
      <Announcer />
    </div>
  );
}
