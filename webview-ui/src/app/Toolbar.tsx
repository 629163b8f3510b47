import { useEffect, useRef, useState } from 'react';
// Deep imports: the package's index registers all forty elements, which would bloat the bundle.
import VscodeOption from '@vscode-elements/react-elements/dist/components/VscodeOption.js';
import VscodeSingleSelect from '@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js';
import VscodeTextfield from '@vscode-elements/react-elements/dist/components/VscodeTextfield.js';
import { useShallow } from 'zustand/react/shallow';
import { ENTRY_KINDS, type EntryKind } from '../../../src/score';
import { kindLabel } from '../entries/kinds';
import { t } from '../shared/l10n';
import { usePodium } from './usePodium';
import { agentLabels } from '../entries/visible';
import { Codicon } from '../shared/Codicon';

/** Typing is applied after a pause so a search over long sessions runs once, not per keystroke. */
const SEARCH_DELAY_MS = 150;

/** The agent and kind filters and the search box that narrow the sessions and their entries. */
export function Toolbar() {
  const kind = usePodium((s) => s.ui.kind);
  const search = usePodium((s) => s.ui.search);
  const setKind = usePodium((s) => s.setKind);
  const setSearch = usePodium((s) => s.setSearch);
  const clearFilters = usePodium((s) => s.clearFilters);
  const agent = usePodium((s) => s.ui.agent);
  const setAgent = usePodium((s) => s.setAgent);
  const agents = usePodium(useShallow((s) => agentLabels(s.score)));
  const [typed, setTyped] = useState(search);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The store can change the search without typing (Clear filters, a restored state).
  useEffect(() => {
    clearTimeout(timer.current);
    setTyped(search);
  }, [search]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onType = (value: string) => {
    setTyped(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setSearch(value), SEARCH_DELAY_MS);
  };

  const filtering = kind !== 'all' || search !== '' || agent !== 'all';
  return (
    <div className="toolbar" role="search" aria-label={t('toolbar.label')}>
      <VscodeSingleSelect
        className="kind-filter"
        label={t('toolbar.kind')}
        value={kind}
        onChange={(e) => setKind((e.target as HTMLElement & { value: string }).value as EntryKind | 'all')}
      >
        <VscodeOption value="all">{t('toolbar.allKinds')}</VscodeOption>
        {ENTRY_KINDS.map((k) => (
          <VscodeOption key={k} value={k}>
            {kindLabel(k)}
          </VscodeOption>
        ))}
      </VscodeSingleSelect>
      {(agents.length > 1 || agent !== 'all') && (
        <VscodeSingleSelect
          className="agent-filter"
          label={t('toolbar.agent')}
          value={agent}
          onChange={(e) => setAgent((e.target as HTMLElement & { value: string }).value)}
        >
          <VscodeOption value="all">{t('toolbar.allAgents')}</VscodeOption>
          {/* A filter restored for an agent not in these journals stays visible, so it can be cleared. */}
          {[...agents, ...(agent !== 'all' && !agents.includes(agent) ? [agent] : [])].map((a) => (
            <VscodeOption key={a} value={a}>
              {a}
            </VscodeOption>
          ))}
        </VscodeSingleSelect>
      )}
      <VscodeTextfield
        className="search"
        type="search"
        placeholder={t('toolbar.searchPlaceholder')}
        label={t('toolbar.search')}
        aria-label={t('toolbar.search')}
        value={typed}
        onInput={(e) => onType((e.target as HTMLElement & { value: string }).value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && typed) {
            e.stopPropagation();
            onType('');
          }
        }}
      >
        <span slot="content-before" className="codicon codicon-search search-icon" aria-hidden="true" />
      </VscodeTextfield>
      {filtering && (
        <button type="button" className="text-button" onClick={clearFilters}>
          <Codicon name="clear-all" />
          <span>{t('toolbar.clear')}</span>
        </button>
      )}
    </div>
  );
}
