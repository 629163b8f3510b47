import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import { gate } from '../tasks/tasks';
import { usePodium } from './usePodium';
import { Codicon } from '../shared/Codicon';

/** No sessions in this source: say where sessions come from and offer the ways to get one. */
export function EmptyState() {
  const post = usePodium((s) => s.post);
  const canRun = usePodium((s) => gate(s.config, s.source, s.playhead !== null).run);
  const openForm = usePodium((s) => s.setTaskFormOpen);
  return (
    <div className="empty" data-testid="empty-state">
      <Codicon name="inbox" className="empty-icon" />
      <h2>No sessions yet</h2>
      <p>
        When you hand a task to an agent, its session appears here as it runs: one row per agent, every message, tool call and command in order.
        Sessions are journaled to the folder named by the <code>podium.journal.folder</code> setting, so they can be replayed later.
      </p>
      <p>To look at sessions recorded elsewhere, open their journal.</p>
      <div className="empty-actions">
        {canRun && <VscodeButton onClick={() => openForm(true)}>New Task…</VscodeButton>}
        <VscodeButton secondary={canRun} onClick={() => post({ type: 'openJournal' })}>
          Open Session Journal…
        </VscodeButton>
        <VscodeButton secondary onClick={() => post({ type: 'revealJournalFolder' })}>
          Reveal Journal Folder
        </VscodeButton>
      </div>
    </div>
  );
}
