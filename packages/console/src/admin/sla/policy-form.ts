import type { SlaPolicy } from '@huiliu/contracts';

/** The SLA policy editor's form: the API's policy as the form holds it, and back. */

export const METRICS = ['first_response', 'next_response', 'periodic_update', 'resolution'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const PAUSE_STATUSES = ['new', 'open', 'pending', 'on_hold'] as const;
export const TIERS = ['normal', 'vip'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
/** The calendar select's value for "no calendar" (the API's null). */
export const NO_CALENDAR = 'none';

export type Metric = (typeof METRICS)[number];
export type Priority = (typeof PRIORITIES)[number];
type Conditions = SlaPolicy['conditions'];

export interface PolicyForm {
  name: string;
  description?: string;
  enabled: boolean;
  calendarId: string;
  warnBeforeMinutes: number;
  pauseStatuses: SlaPolicy['pauseStatuses'];
  conditions: Required<Pick<Conditions, 'channels' | 'inboxIds' | 'priorities' | 'customerTiers' | 'customerTags' | 'ticketTypes'>>;
  targets: Record<Metric, { businessTime: boolean; minutes: Partial<Record<Priority, number | null>> }>;
}

export function toForm(policy: SlaPolicy | undefined): PolicyForm {
  const conditions = policy?.conditions ?? {};
  return {
    name: policy?.name ?? '',
    description: policy?.description ?? '',
    enabled: policy?.enabled ?? true,
    calendarId: policy?.calendarId ?? NO_CALENDAR,
    warnBeforeMinutes: policy?.warnBeforeMinutes ?? 15,
    pauseStatuses: policy?.pauseStatuses ?? ['pending', 'on_hold'],
    conditions: {
      channels: conditions.channels ?? [],
      inboxIds: conditions.inboxIds ?? [],
      priorities: conditions.priorities ?? [],
      customerTiers: conditions.customerTiers ?? [],
      customerTags: conditions.customerTags ?? [],
      ticketTypes: conditions.ticketTypes ?? [],
    },
    targets: Object.fromEntries(
      METRICS.map((metric) => {
        const spec = policy?.targets[metric];
        return [metric, { businessTime: spec?.businessTime ?? true, minutes: { ...(spec?.minutes ?? {}) } }];
      }),
    ) as PolicyForm['targets'],
  };
}

/**
 * The API's body: empty conditions and metrics without any minutes are left out (no condition, no
 * target). Business time needs a calendar (the API refuses it without one): with none, targets
 * count around the clock, as the disabled checkboxes show.
 */
export function fromForm(values: PolicyForm, kept: Pick<Conditions, 'formIds' | 'fields'>) {
  const conditions = Object.fromEntries(Object.entries(values.conditions).filter(([, list]) => (list ?? []).length > 0));
  const targets = Object.fromEntries(
    METRICS.flatMap((metric) => {
      const spec = values.targets[metric];
      const minutes = Object.fromEntries(Object.entries(spec.minutes).filter(([, value]) => typeof value === 'number' && value > 0));
      const businessTime = values.calendarId !== NO_CALENDAR && spec.businessTime;
      return Object.keys(minutes).length > 0 ? [[metric, { businessTime, minutes }]] : [];
    }),
  );
  return {
    name: values.name,
    description: values.description ?? '',
    enabled: values.enabled,
    calendarId: values.calendarId === NO_CALENDAR ? null : values.calendarId,
    warnBeforeMinutes: values.warnBeforeMinutes,
    pauseStatuses: values.pauseStatuses,
    // Form and custom-field conditions are set through the API; the page keeps them as they are.
    conditions: { ...conditions, ...(kept.formIds ? { formIds: kept.formIds } : {}), ...(kept.fields ? { fields: kept.fields } : {}) },
    targets,
  };
}
