import type { TicketField, TicketForm } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';
import { useSession } from '../lib/session';

export type { TicketField, TicketForm };

export const fieldKeys = {
  fields: (workspaceId: string) => ['ticket-fields', workspaceId] as const,
  forms: (workspaceId: string) => ['ticket-forms', workspaceId] as const,
};

/** Every field, archived ones too: a ticket may hold values of archived fields. */
export function useTicketFields() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: fieldKeys.fields(workspaceId),
    queryFn: async () => (await api.get<{ items: TicketField[] }>(`/workspaces/${workspaceId}/ticket-fields`)).items,
  });
}

export function useTicketForms() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: fieldKeys.forms(workspaceId),
    queryFn: async () => (await api.get<{ items: TicketForm[] }>(`/workspaces/${workspaceId}/ticket-forms`)).items,
  });
}

/** The label in the console's language (zh-CN unless English is chosen). */
export const labelOf = (label: TicketField['label'], language: string) => (language.startsWith('en') ? label.en : label['zh-CN']);
