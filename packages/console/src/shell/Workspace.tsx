import { useQueryClient } from '@tanstack/react-query';
import { Layout } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { SidePanel } from '../assist/SidePanel';
import { ConversationPane } from '../conversation/ConversationPane';
import { ConversationList } from '../inbox/ConversationList';
import { connectLive, openConversation } from '../lib/live';
import { notify } from '../lib/notify';
import { useSession } from '../lib/session';
import { Header } from './Header';
import { customerTitle } from '../lib/customer-title';
import { PhoneConversationBar } from './PhoneConversationBar';
import { useIsPhone } from './responsive';

/** The logged-in console: header, conversation list, the open conversation and the customer beside it. */
export default function Workspace() {
  const { t } = useTranslation();
  const session = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const { conversationId } = useParams();
  const phone = useIsPhone();
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    openConversation.set(conversationId ?? null);
    return () => openConversation.set(null);
  }, [conversationId]);

  useEffect(() => {
    document.title = `${session.workspaceName} · ${tRef.current('app.title')}`;
    const socket = connectLive(client, session.workspaceId, session.user.id, {
      onAssignedToMe: (conversation) => {
        const translate = tRef.current;
        const customer = customerTitle(conversation, translate);
        notify(
          translate('notify.assignedTitle'),
          translate('notify.assignedBody', { customer, preview: conversation.lastMessagePreview ?? '' }),
          `assigned-${conversation.id}`,
          () => void navigate(`/inbox/${conversation.id}`),
          'assignment',
        );
      },
      onCustomerMessage: (conversation, incoming) => {
        // Customer messages in my conversations (or in ones nobody has yet) call for attention,
        // unless the agent is looking at that very conversation.
        if (conversation && conversation.assigneeId && conversation.assigneeId !== session.user.id) return;
        if (openConversation.get() === incoming.conversationId && document.visibilityState === 'visible' && document.hasFocus()) return;
        const translate = tRef.current;
        notify(
          translate('notify.messageTitle', { customer: customerTitle(conversation, translate) }),
          incoming.text || translate('conversation.attachment'),
          `message-${incoming.conversationId}`,
          () => void navigate(`/inbox/${incoming.conversationId}`),
          'message',
        );
      },
    });
    return () => {
      socket.close();
    };
  }, [client, navigate, session.workspaceId, session.user.id, session.workspaceName]);

  if (phone)
    // One column at a time: the list, or the open conversation with its composer.
    return (
      <Layout style={{ height: '100%' }}>
        <Header />
        {conversationId ? (
          <Layout style={{ minHeight: 0, flex: 1 }}>
            <PhoneConversationBar conversationId={conversationId} />
            <ConversationPane key={conversationId} conversationId={conversationId} />
          </Layout>
        ) : (
          <Layout style={{ flexDirection: 'row', minHeight: 0, flex: 1 }}>
            <ConversationList selectedId={undefined} />
          </Layout>
        )}
      </Layout>
    );
  return (
    <Layout style={{ height: '100%', minHeight: 600 }}>
      <Header />
      <Layout style={{ flexDirection: 'row', minHeight: 0, flex: 1 }}>
        <ConversationList selectedId={conversationId} />
        <ConversationPane key={conversationId ?? 'none'} conversationId={conversationId} />
        {conversationId && <SidePanel conversationId={conversationId} />}
      </Layout>
    </Layout>
  );
}
