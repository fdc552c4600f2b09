import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type InboxView } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { useSession } from '../../lib/session';

export const inboxKeys = {
  list: (workspaceId: string) => ['inboxes', workspaceId] as const,
  one: (workspaceId: string, id: string) => ['inbox', workspaceId, id] as const,
};

/** Saves a change to an inbox and refreshes what shows it. */
export function useUpdateInbox(inboxId: string) {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message: toast } = App.useApp();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.patch<InboxView>(`/workspaces/${workspaceId}/inboxes/${inboxId}`, body),
    onSuccess: (inbox) => {
      client.setQueryData(inboxKeys.one(workspaceId, inboxId), inbox);
      void client.invalidateQueries({ queryKey: inboxKeys.list(workspaceId) });
      void toast.success(t('inboxesAdmin.saved'));
    },
    onError: (error) => void toast.error(errorText(t, error)),
  });
}
