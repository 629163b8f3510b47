/**
 * The sign-off views' UI state, as a slice of the one store (`state.signOff`): which hunk is
 * selected, whose reject reason is being typed, the keyboard help. Shared by the queue, the tasks
 * bar and the warnings panel (a warning selects its hunk). None of it is the score, and none of it is
 * persisted across a reload (a half-typed rejection reason should not come back attached to a hunk
 * that has moved on), so it sits beside `ui`, not in it.
 */
import { useCallback } from 'react';
import type { HunkState } from '../../../src/score';
import type { PodiumState } from '../app/store';
import { usePodium, usePodiumStore } from '../app/usePodium';

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
   * second press cannot send a second intent. The store empties it when the host reports an error:
   * whatever was on its way may have been refused, so the buttons come back.
   */
  sending: Record<string, HunkState>;

  select(id: string | null, focus?: boolean): void;
  startReject(id: string): void;
  cancelReject(): void;
  setDraft(id: string, text: string): void;
  setHelpOpen(open: boolean): void;
  toggleOpen(): void;
  markSending(hunks: HunkState[]): void;
}

/** The slice's data as it starts: nothing selected, the queue open. */
export const initialSignOff = {
  selected: null,
  focusRequest: 0,
  rejecting: null,
  drafts: {},
  helpOpen: false,
  open: true,
  sending: {},
} satisfies Partial<SignOffUiState>;

/** The slice, given the store's `get` and a way to change the slice alone. */
export function createSignOffUi(get: () => PodiumState, change: (next: Partial<SignOffUiState>) => void): SignOffUiState {
  const now = () => get().signOff;
  return {
    ...initialSignOff,
    select: (selected, focus = false) =>
      change({ selected, focusRequest: focus ? now().focusRequest + 1 : now().focusRequest, open: focus ? true : now().open }),
    startReject: (id) => change({ rejecting: id, selected: id }),
    cancelReject: () => change({ rejecting: null }),
    setDraft: (id, text) => change({ drafts: { ...now().drafts, [id]: text } }),
    setHelpOpen: (helpOpen) => change({ helpOpen }),
    toggleOpen: () => change({ open: !now().open }),
    markSending(hunks) {
      const sending = { ...now().sending };
      for (const h of hunks) sending[h.hunk.id] = h;
      change({ sending });
    },
  };
}

/** Subscribes to one part of the sign-off slice. */
export function useSignOffUi<T>(selector: (state: SignOffUiState) => T): T {
  return usePodium((s) => selector(s.signOff));
}

/** Reads the sign-off slice as it is now, outside render (in event handlers). */
export function useSignOffUiNow(): () => SignOffUiState {
  const store = usePodiumStore();
  return useCallback(() => store.getState().signOff, [store]);
}

export function isSending(sending: Record<string, HunkState>, h: HunkState): boolean {
  return sending[h.hunk.id] === h;
}
