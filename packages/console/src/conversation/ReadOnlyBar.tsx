import { EyeOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button } from 'antd';
import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Conversation } from '../lib/api';
import { useMemberName } from '../lib/directory';
import { errorText } from '../lib/errors';
import { keys } from '../lib/live';
import type { Session } from '../lib/session';
import { useSession } from '../lib/session';
import { Composer } from './Composer';

/**
 * Supervisors and admins look at other people's conversations without writing in them: the
 * server would accept their reply, so the console keeps the composer away until they take the
 * conversation over (assign it to themselves), which the customer's agent then sees happen.
 * Agents keep the composer everywhere, as before; resolved conversations keep their own banner.
 */
export function isReadOnlyFor(session: Pick<Session, 'role' | 'user'>, conversation: Conversation): boolean {
  return session.role !== 'agent' && conversation.state !== 'resolved' && conversation.assigneeId !== session.user.id;
}

/** Assigns the conversation to me; the caches learn the answer at once. */
export function useTakeOver(conversation: Conversation) {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: () => api.post<Conversation>(`/workspaces/${workspaceId}/conversations/${conversation.id}/assign`, { assigneeId: user.id }),
    onSuccess: (updated) => {
      client.setQueryData<Conversation>(keys.conversation(workspaceId, conversation.id), {
        ...updated,
        customerName: updated.customerName ?? conversation.customerName,
        customerLabel: updated.customerLabel ?? conversation.customerLabel,
      });
      void client.invalidateQueries({ queryKey: keys.lists(workspaceId) });
      void message.success(t('supervisor.takenOver'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
}

/** In place of the composer: whose conversation this is, and the way to take it over. */
export function ReadOnlyBar({ conversation, onTaken }: { conversation: Conversation; onTaken?: () => void }) {
  const { t } = useTranslation();
  const memberName = useMemberName();
  const takeOver = useTakeOver(conversation);
  const owner = memberName(conversation.assigneeId);
  return (
    <Alert
      type="info"
      banner
      icon={<EyeOutlined />}
      data-testid="read-only"
      title={owner ? t('supervisor.readOnlyOf', { name: owner }) : t('supervisor.readOnlyUnassigned')}
      action={
        <Button
          size="small"
          type="primary"
          icon={<UserSwitchOutlined />}
          loading={takeOver.isPending}
          onClick={() => takeOver.mutate(undefined, { onSuccess: () => onTaken?.() })}
        >
          {t('supervisor.takeOver')}
        </Button>
      }
    />
  );
}

/** The composer, or for a supervisor looking at someone else's conversation, the read-only bar. */
export function ComposerUnlessReadOnly(props: ComponentProps<typeof Composer>) {
  const session = useSession();
  return isReadOnlyFor(session, props.conversation) ? <ReadOnlyBar conversation={props.conversation} /> : <Composer {...props} />;
}
