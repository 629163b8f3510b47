/** React access to the one store, through context so a test or a second root could supply another. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { PodiumState, PodiumStore } from './store';

export const StoreContext = createContext<PodiumStore | null>(null);

/** The store itself, for reading its state outside render (event handlers, effects). */
export function usePodiumStore(): PodiumStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePodium needs a StoreContext provider around the app');
  return store;
}

/** Subscribes to one slice; return stable references (store fields, primitives) to avoid re-renders. */
export function usePodium<T>(selector: (state: PodiumState) => T): T {
  return useStore(usePodiumStore(), selector);
}
