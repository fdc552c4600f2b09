/** localStorage can throw (privacy modes, sandboxed frames, full quota): then the visitor lasts one page view. */
export const safeStorage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Not persisted: the next page view starts a new visitor, which is the best we can do.
    }
  },
};

export const visitorTokenKey = (inboxKey: string) => `huiliu:${inboxKey}:visitor`;
