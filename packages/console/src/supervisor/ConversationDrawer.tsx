import { InboxOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Drawer, Skeleton, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useConversation } from '../conversation/ConversationPane';
import { MessageList } from '../conversation/MessageList';
import { ReadOnlyBar, isReadOnlyFor } from '../conversation/ReadOnlyBar';
import { api, type Message } from '../lib/api';
import { ChannelIcon, STATE_COLORS } from '../lib/channel';
import { errorText } from '../lib/errors';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';
import { customerTitle } from '../lib/customer-title';

/** A read-only look at any conversation, from the wallboard: messages live, no composer; take it over to answer. */
export function ConversationDrawer({ conversationId, onClose }: { conversationId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={!!conversationId}
      onClose={onClose}
      size={560}
      destroyOnHidden
      title={t('supervisor.viewTitle')}
      styles={{ body: { padding: 0, display: 'flex', flexDirection: 'column' } }}
    >
      {conversationId && <Body conversationId={conversationId} />}
    </Drawer>
  );
}

function Body({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const conversation = useConversation(conversationId);
  const messages = useQuery({
    queryKey: keys.messages(session.workspaceId, conversationId),
    queryFn: async () =>
      (await api.get<{ items: Message[] }>(`/workspaces/${session.workspaceId}/conversations/${conversationId}/messages`, { limit: 500 }))
        .items,
    staleTime: Infinity,
  });
  if (conversation.isPending || messages.isPending) return <Skeleton active style={{ padding: 24 }} paragraph={{ rows: 8 }} />;
  if (conversation.isError || messages.isError)
    return <Alert style={{ margin: 16 }} type="error" showIcon title={errorText(t, conversation.error ?? messages.error)} />;
  const current = conversation.data;
  const open = () => void navigate(`/inbox/${conversationId}`);
  return (
    <div data-testid="conversation-view" style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <div style={{ padding: '10px 16px', borderBottom: '1px solid #f0f0f0', display: 'flex', alignItems: 'center', gap: 8 }}>
        <ChannelIcon channel={current.channel} />
        <Typography.Text strong ellipsis>
          {customerTitle(current, t)}
        </Typography.Text>
        <Typography.Text type="secondary">{t('conversation.number', { number: current.number })}</Typography.Text>
        <Tag color={STATE_COLORS[current.state]} data-testid="conversation-state" data-state={current.state}>
          {t(`states.${current.state}`)}
        </Tag>
        <div style={{ flex: 1 }} />
        <Button size="small" icon={<InboxOutlined />} onClick={open}>
          {t('supervisor.openInInbox')}
        </Button>
      </div>
      <div style={{ flex: 1, overflowY: 'auto', minHeight: 0 }}>
        <MessageList conversation={current} messages={messages.data} myId={session.user.id} />
      </div>
      {isReadOnlyFor(session, current) ? (
        <ReadOnlyBar conversation={current} onTaken={open} />
      ) : (
        <Space style={{ padding: 12 }}>
          <Button type="primary" onClick={open}>
            {t('supervisor.openInInbox')}
          </Button>
        </Space>
      )}
    </div>
  );
}
