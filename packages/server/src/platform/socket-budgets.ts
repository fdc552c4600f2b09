import type { Config } from '../config.js';
import { EventBudget, type BudgetRules } from './event-budget.js';

type BudgetConfig = Pick<Config, 'SOCKET_EVENTS_PER_IP_PER_SECOND' | 'SOCKET_EVENTS_PER_WORKSPACE_PER_SECOND'>;

/** Reads that return a page of rows cost more than a typing flag. */
export const SOCKET_EVENT_COSTS: Record<string, number> = { history: 2, sync: 2 };

/**
 * A widget on a page sends a few events a second at most (typing every 4 s, a read, a message);
 * a reconnect catching up pages through `sync`, 20 pages at most. The bursts cover that; the
 * rates are what a person can type. Shared scopes (IP, workspace) are wide: one refused visitor
 * spends nothing from them.
 */
function rules(config: BudgetConfig, perConnection: number, perPrincipal: number): BudgetRules {
  const ip = config.SOCKET_EVENTS_PER_IP_PER_SECOND;
  const workspace = config.SOCKET_EVENTS_PER_WORKSPACE_PER_SECOND;
  return {
    connection: { burst: perConnection * 4, perSecond: perConnection },
    principal: { burst: perPrincipal * 4, perSecond: perPrincipal },
    ip: { burst: ip * 2, perSecond: ip },
    workspace: { burst: workspace * 2, perSecond: workspace },
  };
}

export function widgetEventBudget(config: BudgetConfig): EventBudget {
  return new EventBudget('widget', rules(config, 10, 15));
}

/** An agent's console sends typing and, after a reconnect, a sync per open conversation. */
export function agentEventBudget(config: BudgetConfig): EventBudget {
  return new EventBudget('agent', rules(config, 20, 30));
}

/**
 * Opening a socket, counted before any lookup: per credential (a visitor token or session
 * cookie, as sent) and per address. A page reconnects a few times an hour; a flooder dropped for
 * ignoring refusals reconnects at once, and is refused here without a query.
 */
export function connectionBudget(config: BudgetConfig): EventBudget {
  const ip = Math.max(20, Math.floor(config.SOCKET_EVENTS_PER_IP_PER_SECOND / 4));
  return new EventBudget('connect', {
    connection: { burst: 1, perSecond: 1 },
    principal: { burst: 10, perSecond: 0.5 },
    ip: { burst: ip * 5, perSecond: ip },
    workspace: { burst: 1, perSecond: 1 },
  });
}

/** The credential a handshake carries, shortened: a bucket key, not a secret kept anywhere else. */
export const credentialKey = (credential: string | undefined) => (credential ?? '').slice(0, 48);
