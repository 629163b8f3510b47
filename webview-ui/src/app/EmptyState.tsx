import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import { gate } from '../tasks/tasks';
import { usePodium } from './usePodium';
import { Codicon } from '../shared/Codicon';
import { t } from '../shared/l10n';

/** No sessions in this source: say where sessions come from and offer the ways to get one. */
export function EmptyState() {
  const post = usePodium((s) => s.post);
  const canRun = usePodium((s) => gate(s.config, s.source, s.playhead !== null).run);
  const openForm = usePodium((s) => s.setTaskFormOpen);
  // The setting's name is code, not words: the sentence is translated around it.
  const [before = '', after = ''] = t('empty.intro').split('{setting}');
  return (
    <div className="empty" data-testid="empty-state">
      <Codicon name="inbox" className="empty-icon" />
      <h2>{t('empty.title')}</h2>
      <p>
        {before}
        <code>podium.journal.folder</code>
        {after}
      </p>
      <p>{t('empty.elsewhere')}</p>
      <div className="empty-actions">
        {canRun && <VscodeButton onClick={() => openForm(true)}>{t('empty.newTask')}</VscodeButton>}
        <VscodeButton secondary={canRun} onClick={() => post({ type: 'openJournal' })}>
          {t('empty.openJournal')}
        </VscodeButton>
        <VscodeButton secondary onClick={() => post({ type: 'revealJournalFolder' })}>
          {t('empty.revealFolder')}
        </VscodeButton>
      </div>
    </div>
  );
}
