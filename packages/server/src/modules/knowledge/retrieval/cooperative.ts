import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * A long computation written as a generator that yields between slices of work, so that one
 * code path can run either at once (finish) or spread over the event loop
 * (finishCooperatively). Training a knowledge base of tens of thousands of questions takes
 * seconds to a minute; run at once on the server's main thread it would stall every chat.
 * (A worker thread would need the whole index — jieba, postings, feature tables — rebuilt or
 * copied across; yielding keeps one copy and one code path.)
 */
export type Work<T> = Generator<void, T, void>;

/** Runs the work to its end without yielding to anything else. */
export function finish<T>(work: Work<T>): T {
  let step = work.next();
  while (step.done !== true) step = work.next();
  return step.value;
}

export interface Cooperation {
  /** Longest run between two turns of the event loop (default 20 ms; 0 yields at every step). */
  readonly sliceMs?: number;
  /** Asked at every turn: true abandons the work (the result is then undefined). */
  readonly shouldStop?: () => boolean;
}

/** Runs the work, letting the event loop take a turn at least every `sliceMs`. */
export async function finishCooperatively<T>(work: Work<T>, cooperation: Cooperation = {}): Promise<T | undefined> {
  const { sliceMs = 20, shouldStop } = cooperation;
  let sliceStarted = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done === true) return step.value;
    if (performance.now() - sliceStarted < sliceMs) continue;
    await nextTurn();
    if (shouldStop?.() === true) {
      work.return(undefined as T);
      return undefined;
    }
    sliceStarted = performance.now();
  }
}

/** How many items a loop handles between two yields: small enough for ~ms slices, large enough to cost nothing. */
export const ITEMS_PER_STEP = 64;
