/**
 * The webview's state. The score changes in exactly one way: the host posts `reset` (forget
 * everything) or `events` (fold them with the shared `reduceAll`). Nothing the engineer does here
 * edits the score; intents go to the host and come back as events (DESIGN.md, "Data flow").
 *
 * Host messages are queued and applied once per animation frame, so a burst of batches while a
 * long journal loads costs one reduce and one render, not one per message.
 *
 * UI state (selection, filter, search, collapsed rows) is persisted through the host API's
 * `setState`, which VS Code keeps across a webview reload.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  emptyScore,
  ENTRY_KINDS,
  reduceAll,
  sessionLabel,
  type EntryKind,
  type ScoreState,
} from '../../src/score';
import type { FromWebview, SourceInfo } from '../../src/protocol';
import type { HostApi } from './vscodeApi';

export interface Selection {
  session: string;
  entry: string;
}

export interface UiState {
  selection: Selection | null;
  kind: EntryKind | 'all';
  search: string;
  /** Session ids whose rows are folded to their header. */
  collapsed: string[];
  /** The source folder the selection belongs to; a different source clears the selection. */
  sourceFolder: string | null;
}

export interface Announcement {
  /** Changes with every announcement so the live region re-announces a repeated text. */
  id: number;
  text: string;
}

export interface PodiumState {
  score: ScoreState;
  /** Null until the host's first `reset`: the view is still connecting. */
  source: SourceInfo | null;
  /** Events the host said it would send after the last reset, and how many have arrived. */
  expectedTotal: number;
  received: number;
  hostProblems: string[];
  hostError: string | null;
  ui: UiState;
  announcement: Announcement | null;

  /** Sends an intent to the host (open a journal, report an error…); never changes the score. */
  post(message: FromWebview): void;
  /** Queues a message from the host; it is applied on the next frame. */
  receive(message: unknown): void;
  /** Applies queued host messages now (the frame callback; tests and teardown may call it too). */
  flush(): void;
  select(selection: Selection | null): void;
  setKind(kind: EntryKind | 'all'): void;
  setSearch(search: string): void;
  toggleCollapsed(session: string): void;
  clearFilters(): void;
}

export type PodiumStore = StoreApi<PodiumState>;

const defaultUi: UiState = { selection: null, kind: 'all', search: '', collapsed: [], sourceFolder: null };

export function createPodiumStore(host: HostApi): PodiumStore {
  let queue: unknown[] = [];
  let scheduled = false;

  const store = createStore<PodiumState>()((set, get) => {
    const setUi = (change: Partial<UiState>) => set({ ui: { ...get().ui, ...change } });

    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      // rAF coalesces a burst into one frame; the timeout covers a hidden webview, where rAF
      // does not fire but the state should still keep up.
      const run = () => {
        if (scheduled) get().flush();
      };
      requestAnimationFrame(run);
      setTimeout(run, 100);
    };

    return {
      score: emptyScore(),
      source: null,
      expectedTotal: 0,
      received: 0,
      hostProblems: [],
      hostError: null,
      ui: restoreUi(host.getState()),
      announcement: null,

      post: (message) => host.postMessage(message),

      receive(message) {
        queue.push(message);
        schedule();
      },

      flush() {
        scheduled = false;
        if (queue.length === 0) return;
        const messages = queue;
        queue = [];
        set((state) => applyHostMessages(state, messages));
      },

      select: (selection) => setUi({ selection }),
      setKind: (kind) => setUi({ kind }),
      setSearch: (search) => setUi({ search }),
      toggleCollapsed(session) {
        const { collapsed } = get().ui;
        setUi({ collapsed: collapsed.includes(session) ? collapsed.filter((s) => s !== session) : [...collapsed, session] });
      },
      clearFilters: () => setUi({ kind: 'all', search: '' }),
    };
  });

  store.subscribe((state, prev) => {
    if (state.ui !== prev.ui) host.setState({ ui: state.ui });
  });
  return store;
}

type Applied = Pick<PodiumState, 'score' | 'source' | 'expectedTotal' | 'received' | 'hostProblems' | 'hostError' | 'ui' | 'announcement'>;

/** Folds a run of host messages into the next state. Consecutive event batches share one reduce. */
function applyHostMessages(state: PodiumState, messages: unknown[]): Partial<PodiumState> {
  const next: Applied = {
    score: state.score,
    source: state.source,
    expectedTotal: state.expectedTotal,
    received: state.received,
    hostProblems: state.hostProblems,
    hostError: state.hostError,
    ui: state.ui,
    announcement: state.announcement,
  };
  const before = state.score;
  let baseline = before;
  let pending: unknown[] = [];
  const reducePending = () => {
    if (pending.length === 0) return;
    next.score = reduceAll(next.score, pending);
    pending = [];
  };

  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const m = message as Record<string, unknown>;
    switch (m.type) {
      case 'reset': {
        pending = [];
        const source = asSource(m.source);
        next.score = emptyScore();
        baseline = next.score;
        next.source = source;
        next.expectedTotal = typeof m.total === 'number' && m.total > 0 ? m.total : 0;
        next.received = 0;
        next.hostProblems = [];
        next.hostError = null;
        if (next.ui.sourceFolder !== source.folder) {
          next.ui = { ...next.ui, selection: null, collapsed: [], sourceFolder: source.folder };
        }
        break;
      }
      case 'events':
        if (Array.isArray(m.events)) {
          for (const e of m.events) pending.push(e);
          next.received += m.events.length;
        }
        break;
      case 'problems':
        reducePending();
        next.hostProblems = Array.isArray(m.problems) ? m.problems.filter((p): p is string => typeof p === 'string') : [];
        break;
      case 'error':
        reducePending();
        next.hostError = typeof m.message === 'string' ? m.message : 'The extension reported an error without a message.';
        break;
      default:
        break; // not for us (or from a newer host): ignore rather than guess
    }
  }
  reducePending();

  const text = announcePermissions(baseline, next.score);
  if (text) next.announcement = { id: (state.announcement?.id ?? 0) + 1, text };
  return next;
}

function asSource(value: unknown): SourceInfo {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<SourceInfo>;
  return {
    folder: typeof v.folder === 'string' ? v.folder : '',
    label: typeof v.label === 'string' && v.label ? v.label : 'Sessions',
    readOnly: v.readOnly === true,
  };
}

/** What to tell a screen reader about permission requests that appeared between two scores. */
function announcePermissions(before: ScoreState, after: ScoreState): string | null {
  if (before === after) return null;
  const fresh: string[] = [];
  for (const id of after.sessionOrder) {
    const now = after.sessions[id]!;
    const then = before.sessions[id];
    if (then && then.pendingPermissions === now.pendingPermissions) continue;
    for (const [request, index] of Object.entries(now.pendingPermissions)) {
      if (then && request in then.pendingPermissions) continue;
      fresh.push(`${sessionLabel(after, now)} asks permission: ${now.entries[index]?.title ?? request}`);
    }
  }
  if (fresh.length === 0) return null;
  if (fresh.length === 1) return fresh[0]!;
  return `${fresh.length} permission requests are waiting for an answer. ${fresh.join('. ')}`;
}

function restoreUi(saved: unknown): UiState {
  const ui = (saved as { ui?: Partial<UiState> } | undefined)?.ui;
  if (typeof ui !== 'object' || ui === null) return defaultUi;
  const sel = ui.selection;
  return {
    selection:
      sel && typeof sel === 'object' && typeof sel.session === 'string' && typeof sel.entry === 'string'
        ? { session: sel.session, entry: sel.entry }
        : null,
    kind: ui.kind === 'all' || (ENTRY_KINDS as readonly unknown[]).includes(ui.kind) ? (ui.kind as EntryKind | 'all') : 'all',
    search: typeof ui.search === 'string' ? ui.search : '',
    collapsed: Array.isArray(ui.collapsed) ? ui.collapsed.filter((s): s is string => typeof s === 'string') : [],
    sourceFolder: typeof ui.sourceFolder === 'string' ? ui.sourceFolder : null,
  };
}
