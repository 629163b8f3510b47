/**
 * The sign-off views' own UI state: which hunk is selected, whose reject reason is being typed, the
 * keyboard help. Shared by the queue and the warnings panel (a warning selects its hunk) and kept
 * out of the score store: none of it is the score, and none of it is worth persisting across a
 * reload (a half-typed rejection reason should not come back attached to a hunk that has moved on).
 */
import { create } from 'zustand';
import type { HunkState } from '../../../src/score';

export interface SignOffUiState {
  selected: string | null;
  /** Bumped to ask the queue to move keyboard focus to the selected hunk (a warning was clicked). */
  focusRequest: number;
  /** The hunk whose reject-reason box is open. */
  rejecting: string | null;
  /** Reasons typed and not yet sent, by hunk. */
  drafts: Record<string, string>;
  helpOpen: boolean;
  open: boolean;
  /**
   * Intents sent and not yet answered: hunk id → the hunk's state when it was sent. The reducer
   * replaces a hunk's object on any change, so "still the same object" means "no answer yet", and a
   * second press cannot send a second intent.
   */
  sending: Record<string, HunkState>;

  select(id: string | null, focus?: boolean): void;
  startReject(id: string): void;
  cancelReject(): void;
  setDraft(id: string, text: string): void;
  setHelpOpen(open: boolean): void;
  toggleOpen(): void;
  markSending(hunks: HunkState[]): void;
  /** The host refused something: whatever was on its way may have been it, so the buttons come back. */
  clearSending(): void;
}

export const useSignOffUi = create<SignOffUiState>()((set, get) => ({
  selected: null,
  focusRequest: 0,
  rejecting: null,
  drafts: {},
  helpOpen: false,
  open: true,
  sending: {},

  select: (selected, focus = false) =>
    set((s) => ({ selected, focusRequest: focus ? s.focusRequest + 1 : s.focusRequest, open: focus ? true : s.open })),
  startReject: (id) => set({ rejecting: id, selected: id }),
  cancelReject: () => set({ rejecting: null }),
  setDraft: (id, text) => set({ drafts: { ...get().drafts, [id]: text } }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  toggleOpen: () => set({ open: !get().open }),
  markSending(hunks) {
    const sending = { ...get().sending };
    for (const h of hunks) sending[h.hunk.id] = h;
    set({ sending });
  },
  clearSending: () => set({ sending: {} }),
}));

export function isSending(sending: Record<string, HunkState>, h: HunkState): boolean {
  return sending[h.hunk.id] === h;
}
