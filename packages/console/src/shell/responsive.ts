import { useSyncExternalStore } from 'react';

/** Below Ant Design's `md` breakpoint (768 px): a phone, where the console shows one column at a time. */
const PHONE_QUERY = '(max-width: 767.98px)';

const subscribe = (onChange: () => void) => {
  const query = window.matchMedia(PHONE_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};

/**
 * True on a phone-sized screen. Read synchronously from matchMedia (Grid.useBreakpoint answers
 * `{}` on the first render, which would flash the phone layout on a desktop).
 */
export function useIsPhone(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(PHONE_QUERY).matches,
    () => false,
  );
}

/**
 * Table columns whose header text never wraps: a header squeezed into a narrow column broke
 * mid-word ("Longe|st wait"). Use with `scroll={{ x: 'max-content' }}`, so a narrow screen
 * scrolls the table sideways rather than the page.
 */
export function withOneLineHeaders<T extends object>(columns: T[]): T[] {
  return columns.map((column) => ({ ...column, onHeaderCell: () => ({ style: { whiteSpace: 'nowrap' as const } }) }));
}
