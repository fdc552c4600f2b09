import { Store } from '../lib/store';

/** The ids of the ticket list as last shown, so `j`/`k` on a ticket's page go to its neighbours. */
export const ticketOrder = new Store<string[]>([]);

export function neighbour(id: string, step: 1 | -1): string | undefined {
  const order = ticketOrder.get();
  const index = order.indexOf(id);
  return index < 0 ? undefined : order[index + step];
}
