import { useSyncExternalStore } from 'react';
import { Store } from '../lib/store';

/**
 * One timer for every SLA badge on screen: the current second, as long as some badge listens.
 * Countdowns tick on the client; nothing is refetched to move them.
 */
const second = new Store<number>(Date.now());
let timer: ReturnType<typeof setInterval> | undefined;
let listeners = 0;

function subscribe(listener: () => void): () => void {
  const unsubscribe = second.subscribe(listener);
  listeners += 1;
  if (!timer) {
    second.set(Date.now());
    timer = setInterval(() => second.set(Date.now()), 1000);
  }
  return () => {
    unsubscribe();
    listeners -= 1;
    if (listeners === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useSecondTick(): number {
  return useSyncExternalStore(subscribe, second.get);
}
