/**
 * Runs work one at a time per key, in the order it was handed in (within this process). A
 * channel keys it by customer so that their messages are stored in the order they arrived, even
 * when the steps before storing — claiming an upload, downloading media — take different times:
 * a photo must not land after the text sent just behind it, nor a question before the "转人工"
 * typed ahead of it.
 */
export class ArrivalOrder {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    // The last in line removes the key, so idle customers leave nothing behind.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
