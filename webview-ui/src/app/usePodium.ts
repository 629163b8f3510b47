/** React access to the one store, through context so a test or a second root could supply another. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { PodiumState, PodiumStore } from './store';

export const StoreContext = createContext<PodiumStore | null>(null);

/** Subscribes to one slice; return stable references (store fields, primitives) to avoid re-renders. */
export function usePodium<T>(selector: (state: PodiumState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('usePodium needs a StoreContext provider around the app');
  return useStore(store, selector);
}
