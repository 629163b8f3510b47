/**
 * The webview's state. The score changes in exactly one way: the host posts `reset` (forget
 * everything) or `events` (fold them with the shared `reduceAll`). Nothing the engineer does here
 * edits the score; intents go to the host and come back as events (DESIGN.md, "Data flow").
 *
 * Host messages are queued and applied once per animation frame, so a burst of small batches
 * costs one reduce and one render, not one per message. A long journal is folded a frame's budget
 * at a time: the first of it is on screen within a frame or two, the rest follows frame by frame
 * (the header's progress bar shows how far), and the view answers input throughout.
 *
 * UI state (selection, filters, collapsed rows and sections) is persisted through the host API's
 * `setState`, which VS Code keeps across a webview reload. The one store holds every feature's
 * state: the score and `ui` here, and slices a feature defines in its own folder (`signOff`, from
 * sign-off/signOffUi.ts), each read through selectors.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  ENTRY_KINDS,
  matchesFilter,
  sessionLabel,
  type EntryKind,
  type ScoreState,
} from '../../../src/score';
import { parseToWebview, type FromWebview, type HostConfig, type SourceInfo, type TaskHolderInfo } from '../../../src/protocol';
import { indexOfEntry } from '../entries/selection';
import { createSignOffUi, type SignOffUiState } from '../sign-off/signOffUi';
import { allowedInReplay, Recording, type ReplayActions, type ReplayFields } from '../replay/slice';
import type { Replay } from '../../../src/score';
import type { HostApi } from '../shared/vscodeApi';
import { t } from '../shared/l10n';

export interface Selection {
  session: string;
  entry: string;
}

export interface UiState {
  selection: Selection | null;
  kind: EntryKind | 'all';
  search: string;
  /** An agent label (`session.agent.label`): only that agent's sessions are shown. */
  agent: string | 'all';
  /** Session ids whose rows are folded to their header. */
  collapsed: string[];
  /** The sections the engineer folded away, so a reload keeps the view as they left it. */
  tasksOpen: boolean;
  timelineOpen: boolean;
  /** The timeline's height in replay, where a split between it and the details sets it (CSS px). */
  timelineHeight: number | null;
  /** The source folder the selection belongs to; a different source clears the selection. */
  sourceFolder: string | null;
}

/** Asks the list to scroll an entry (or a session's row) into view; `id` makes a repeat count. */
export interface RevealRequest {
  id: number;
  session: string;
  entry: string | null;
}

export interface Announcement {
  /** Changes with every announcement so the live region re-announces a repeated text. */
  id: number;
  text: string;
}

export interface PodiumState extends ReplayFields {
  /** The score the views show: the live score, or in replay the score at the playhead. */
  score: ScoreState;
  /** Null until the host's first `reset`: the view is still connecting. */
  source: SourceInfo | null;
  /** Events the host said it would send after the last reset, and how many have arrived. */
  expectedTotal: number;
  received: number;
  hostProblems: string[];
  hostError: string | null;
  /**
   * Why the last host message that did not validate was ignored (src/protocol.ts, `ToWebview`);
   * shown as an error banner until the next `reset` brings the whole score again.
   */
  invalidMessage: string | null;
  ui: UiState;
  announcement: Announcement | null;
  /** What the host allows and offers (agent profiles, trust); null until its `config` message. */
  config: HostConfig | null;
  /** The open tasks another window holds (by task id): they offer Take Over and nothing else. */
  holders: Record<string, TaskHolderInfo>;
  /**
   * Permission answers sent and not yet confirmed by a `permission.resolved` event, keyed by
   * `permissionKey`, so the buttons cannot send a second answer while the first is on its way.
   */
  answering: Record<string, string>;
  revealRequest: RevealRequest | null;
  /** The new-task form is open (not persisted: a half-typed task is not worth restoring wrongly). */
  taskFormOpen: boolean;
  /** The sign-off queue's selection, reasons being typed and intents on their way (not persisted). */
  signOff: SignOffUiState;
  /** The playhead's actions (replay/slice.ts). */
  replay: ReplayActions;
  /** The recording every event goes into (for the scrubber's marks and the files panel). */
  replayModel(): Replay;

  /** Sends an intent to the host (open a journal, report an error…); never changes the score. */
  post(message: FromWebview): void;
  /**
   * Queues a `message` event from the host, applied from the next frame on, without reading its
   * data yet. Reading `event.data` is what deserialises it (a 5,000-event batch takes
   * milliseconds), so a burst of batches is read frame by frame, within the frame budget, instead of
   * all at once before the first paint.
   */
  receiveEvent(event: { readonly data: unknown }): void;
  /**
   * Applies queued host messages now, up to a frame's worth of folding; anything left is applied in
   * the next frames (the frame callback; tests and teardown may call it too).
   */
  flush(): void;
  select(selection: Selection | null): void;
  /**
   * Selects an entry and scrolls the list to it: unfolds its session and, when the filters hide
   * it, clears them (an engineer who clicked a mark or a permission wants to see that entry).
   */
  reveal(selection: Selection): void;
  /** Scrolls the list to a session's row, unfolding it. */
  revealSession(session: string): void;
  setKind(kind: EntryKind | 'all'): void;
  setSearch(search: string): void;
  setAgent(agent: string | 'all'): void;
  toggleCollapsed(session: string): void;
  toggleSection(section: 'tasks' | 'timeline'): void;
  setTimelineHeight(px: number): void;
  setTaskFormOpen(open: boolean): void;
  clearFilters(): void;
  /** Posts the engineer's answer and holds the request's buttons until the host confirms it. */
  answerPermission(session: string, request: string, optionId: string): void;
  /** Says something through the one live region (what a keyboard move in the timeline did). */
  announce(text: string): void;
}

export function permissionKey(session: string, request: string): string {
  return `${session}\u0000${request}`;
}

export type PodiumStore = StoreApi<PodiumState>;

const defaultUi: UiState = {
  selection: null,
  kind: 'all',
  search: '',
  agent: 'all',
  collapsed: [],
  tasksOpen: true,
  timelineOpen: true,
  timelineHeight: null,
  sourceFolder: null,
};

/** A host message as queued: read (deserialised) only when it is applied. */
interface Queued {
  read(): unknown;
}

export function createPodiumStore(host: HostApi): PodiumStore {
  let queue: Queued[] = [];
  /** The pending flush's ticket (0: none), so a fallback timer from an earlier frame cannot fire it. */
  let scheduled = 0;
  let tickets = 0;

  let revealId = 0;
  // Set once the store exists: the recording reads and writes the store's replay fields.
  let recording!: Recording;
  const store = createStore<PodiumState>()((set, get) => {
    recording = new Recording(get, (change) => set(change));
    const setUi = (change: Partial<UiState>) => set({ ui: { ...get().ui, ...change } });

    const schedule = () => {
      if (scheduled) return;
      const ticket = (scheduled = ++tickets);
      // rAF coalesces a burst into one frame; the timeout covers a hidden webview, where rAF
      // does not fire but the state should still keep up. Each pair carries its ticket: a timeout
      // left over from a flush that rAF already did must not flush the next frame's batch early,
      // outside any frame.
      const run = () => {
        if (scheduled === ticket) get().flush();
      };
      requestAnimationFrame(run);
      setTimeout(run, 100);
    };

    return {
      source: null,
      expectedTotal: 0,
      received: 0,
      hostProblems: [],
      hostError: null,
      invalidMessage: null,
      ui: restoreUi(host.getState()),
      announcement: null,
      config: null,
      holders: {},
      answering: {},
      revealRequest: null,
      taskFormOpen: false,
      signOff: createSignOffUi(get, (change) => set({ signOff: { ...get().signOff, ...change } })),
      ...recording.reset(),
      speed: 10,
      replay: recording.actions,
      replayModel: () => recording.model,

      post(message) {
        // A replay shows the past and changes nothing: the views disable what would act, and this
        // refuses it should one slip through.
        if (get().playhead !== null && !allowedInReplay(message)) {
          get().announce(t('replay.refused'));
          return;
        }
        host.postMessage(message);
      },

      receiveEvent(event) {
        queue.push({ read: () => event.data });
        schedule();
      },

      flush() {
        scheduled = 0;
        if (queue.length === 0) return;
        const messages = queue;
        queue = [];
        let rest: Queued[] = [];
        let invalid: string[] = [];
        set((state) => {
          const applied = applyHostMessages(state, messages, performance.now() + FRAME_BUDGET_MS, recording);
          rest = applied.rest;
          invalid = applied.invalid;
          return applied.next;
        });
        // Logged where a developer looks (the webview's console) and where the engineer can find it
        // (the extension's log, through the host), never thrown: the page keeps what it had.
        for (const error of invalid) {
          console.error(error);
          host.postMessage({ type: 'reportError', message: error.slice(0, 10_000) });
        }
        if (rest.length > 0) {
          queue = rest.concat(queue);
          schedule();
        }
      },

      select: (selection) => setUi({ selection }),
      reveal(selection) {
        const { score, ui } = get();
        const session = score.sessions[selection.session];
        const entry = session?.entries[indexOfEntry(session.entries, selection.entry)];
        const change: Partial<UiState> = { selection, collapsed: ui.collapsed.filter((id) => id !== selection.session) };
        if (entry && !matchesFilter(entry, { kinds: ui.kind === 'all' ? undefined : new Set([ui.kind]), text: ui.search.trim() || undefined })) {
          change.kind = 'all';
          change.search = '';
        }
        if (ui.agent !== 'all' && session?.agent?.label !== ui.agent) change.agent = 'all';
        set({ ui: { ...ui, ...change }, revealRequest: { id: ++revealId, session: selection.session, entry: selection.entry } });
      },
      revealSession(session) {
        const { ui } = get();
        set({
          ui: { ...ui, collapsed: ui.collapsed.filter((id) => id !== session) },
          revealRequest: { id: ++revealId, session, entry: null },
        });
      },
      setKind: (kind) => setUi({ kind }),
      setSearch: (search) => setUi({ search }),
      setAgent: (agent) => setUi({ agent }),
      toggleCollapsed(session) {
        const { collapsed } = get().ui;
        setUi({ collapsed: collapsed.includes(session) ? collapsed.filter((s) => s !== session) : [...collapsed, session] });
      },
      setTimelineHeight: (px) => setUi({ timelineHeight: Math.round(Math.max(40, Math.min(4000, px))) }),
      toggleSection(section) {
        const { ui } = get();
        setUi(section === 'tasks' ? { tasksOpen: !ui.tasksOpen } : { timelineOpen: !ui.timelineOpen });
      },
      setTaskFormOpen(taskFormOpen) {
        // Opening the form from elsewhere (the empty state) unfolds the tasks section it lives in.
        if (taskFormOpen && !get().ui.tasksOpen) setUi({ tasksOpen: true });
        set({ taskFormOpen });
      },
      clearFilters: () => setUi({ kind: 'all', search: '', agent: 'all' }),
      answerPermission(session, request, optionId) {
        const key = permissionKey(session, request);
        if (get().answering[key] !== undefined) return;
        host.postMessage({ type: 'permission/answer', session, request, optionId });
        set({ answering: { ...get().answering, [key]: optionId } });
      },
      announce: (text) => set({ announcement: { id: (get().announcement?.id ?? 0) + 1, text } }),
    };
  });

  store.subscribe((state, prev) => {
    if (state.ui !== prev.ui) host.setState({ ui: state.ui });
  });
  return store;
}

/**
 * How long one frame may spend folding events before it renders what it has. Events are folded in
 * chunks of FOLD_CHUNK, and the budget is checked between chunks, so live traffic (a few events per
 * frame) is never split and a 100k-event journal takes a few dozen frames instead of freezing one.
 */
const FRAME_BUDGET_MS = 8;
const FOLD_CHUNK = 2500;

type Applied = Pick<
  PodiumState,
  'score' | 'source' | 'expectedTotal' | 'received' | 'hostProblems' | 'hostError' | 'invalidMessage' | 'ui' | 'announcement' | 'config' | 'holders' | 'answering' | 'signOff'
  | 'live' | 'playhead' | 'playing' | 'mark' | 'recording'
>;

/**
 * Folds a run of host messages into the next state; consecutive event batches share one reduce.
 * Stops once `deadline` (a performance.now() time) has passed and returns the messages not yet
 * applied, in order, as `rest`. A message that does not validate changes nothing but `invalidMessage`;
 * its error is returned in `invalid`, for the caller to log.
 */
function applyHostMessages(
  state: PodiumState,
  messages: Queued[],
  deadline: number,
  recording: Recording,
): { next: Partial<PodiumState>; rest: Queued[]; invalid: string[] } {
  const next: Applied = {
    score: state.score,
    source: state.source,
    expectedTotal: state.expectedTotal,
    received: state.received,
    hostProblems: state.hostProblems,
    hostError: state.hostError,
    invalidMessage: state.invalidMessage,
    ui: state.ui,
    announcement: state.announcement,
    config: state.config,
    holders: state.holders,
    answering: state.answering,
    signOff: state.signOff,
    live: state.live,
    playhead: state.playhead,
    playing: state.playing,
    mark: state.mark,
    recording: state.recording,
  };
  const before = state.live;
  let baseline = before;
  let pending: unknown[] = [];
  const reducePending = () => {
    if (pending.length === 0) return;
    Object.assign(next, recording.fold(pending, next.playhead !== null));
    pending = [];
  };

  let rest: Queued[] = [];
  const invalid: string[] = [];
  for (let index = 0; index < messages.length; index++) {
    // Out of time: the messages not yet read wait for the next frame (the first is always read,
    // so every frame makes progress).
    if (index > 0 && performance.now() > deadline) {
      rest = messages.slice(index);
      break;
    }
    const parsed = parseToWebview(messages[index]!.read());
    if (!parsed.ok) {
      next.invalidMessage = parsed.error;
      invalid.push(parsed.error);
      continue;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'reset': {
        pending = [];
        const source: SourceInfo = { ...m.source, label: m.source.label || t('sessions.label') };
        Object.assign(next, recording.reset());
        baseline = next.live;
        next.source = source;
        next.expectedTotal = m.total;
        next.received = 0;
        next.hostProblems = [];
        next.hostError = null;
        next.invalidMessage = null;
        if (next.ui.sourceFolder !== source.folder) {
          next.ui = { ...next.ui, selection: null, collapsed: [], agent: 'all', sourceFolder: source.folder };
        }
        break;
      }
      case 'events': {
        const events: unknown[] = m.events;
        let from = 0;
        while (from < events.length) {
          const take = Math.min(FOLD_CHUNK - pending.length, events.length - from);
          for (let k = 0; k < take; k++) pending.push(events[from + k]);
          from += take;
          next.received += take;
          if (pending.length < FOLD_CHUNK) break;
          reducePending();
          if (performance.now() > deadline && (from < events.length || index < messages.length - 1)) {
            const left = events.slice(from);
            rest = [...(from < events.length ? [{ read: () => ({ type: 'events', events: left }) }] : []), ...messages.slice(index + 1)];
            break;
          }
        }
        break;
      }
      case 'problems':
        reducePending();
        next.hostProblems = m.problems;
        break;
      case 'error':
        reducePending();
        next.hostError = m.message || t('app.hostErrorEmpty');
        // The host refused something we sent; an answer or a decision still marked as on its way
        // may have been it, so its buttons come back rather than staying stuck.
        next.answering = {};
        next.signOff = { ...next.signOff, sending: {} };
        break;
      case 'config':
        // Kept across `reset`: it describes the host's settings, not the events being shown.
        next.config = withDefaultProfile(m.config);
        break;
      case 'holders':
        next.holders = m.holders;
        break;
      case 'replay':
        // The host asks to replay from a moment (a session picked in the Sessions view).
        reducePending();
        if (Number.isFinite(m.at)) Object.assign(next, recording.enter(m.at));
        break;
    }
    if (rest.length > 0) break;
  }
  reducePending();
  next.answering = pruneAnswering(next.answering, next.live);

  const text = announcePermissions(baseline, next.live);
  if (text) next.announcement = { id: (state.announcement?.id ?? 0) + 1, text };
  return { next, rest, invalid };
}

/** The config as the host sent it, its default profile one of its profiles when it named none. */
function withDefaultProfile(config: HostConfig): HostConfig {
  return config.defaultProfile ? config : { ...config, defaultProfile: config.profiles[0]?.id ?? '' };
}

/** Drops answers the score now shows as resolved (or whose session is gone after a reset). */
function pruneAnswering(answering: Record<string, string>, score: ScoreState): Record<string, string> {
  let next: Record<string, string> | undefined;
  for (const key of Object.keys(answering)) {
    const [session, request] = key.split('\u0000') as [string, string];
    if (score.sessions[session]?.pendingPermissions[request] !== undefined) continue;
    next ??= { ...answering };
    delete next[key];
  }
  return next ?? answering;
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
      fresh.push(t('app.asksPermission', { session: sessionLabel(after, now), title: now.entries[index]?.title ?? request }));
    }
  }
  if (fresh.length === 0) return null;
  if (fresh.length === 1) return fresh[0]!;
  return t('app.permissionsWaiting', { count: fresh.length, requests: fresh.join(t('list.sentences')) });
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
    agent: typeof ui.agent === 'string' && ui.agent !== '' ? ui.agent : 'all',
    collapsed: Array.isArray(ui.collapsed) ? ui.collapsed.filter((s): s is string => typeof s === 'string') : [],
    tasksOpen: ui.tasksOpen !== false,
    timelineOpen: ui.timelineOpen !== false,
    timelineHeight: typeof ui.timelineHeight === 'number' && Number.isFinite(ui.timelineHeight) ? Math.max(40, Math.min(4000, ui.timelineHeight)) : null,
    sourceFolder: typeof ui.sourceFolder === 'string' ? ui.sourceFolder : null,
  };
}
