import { FileAddOutlined, FileTextOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, type Page } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { ticketKeys, type Ticket } from './data';

/** The conversation panel's side of the link: open the conversation's ticket, or turn the chat into one (转为工单). */
export function ConversationTicketButton({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const filter = { conversationId };
  const existing = useQuery({
    queryKey: ticketKeys.list(workspaceId, filter),
    queryFn: () => api.get<Page<Ticket>>(`/workspaces/${workspaceId}/tickets`, { ...filter, limit: 1 }),
  });
  const create = useMutation({
    mutationFn: () => api.post<Ticket>(`/workspaces/${workspaceId}/conversations/${conversationId}/ticket`, {}),
    onSuccess: (ticket) => {
      void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
      void message.success(t('tickets.created', { number: ticket.number }));
      void navigate(`/tickets/${ticket.id}`);
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const ticket = existing.data?.items[0];
  if (ticket && ticket.status !== 'closed')
    return (
      <Button size="small" icon={<FileTextOutlined />} data-testid="open-ticket" onClick={() => void navigate(`/tickets/${ticket.id}`)}>
        {t('tickets.open', { number: ticket.number })}
      </Button>
    );
  return (
    <Button size="small" icon={<FileAddOutlined />} data-testid="create-ticket" loading={create.isPending} onClick={() => create.mutate()}>
      {t('tickets.create')}
    </Button>
  );
}
