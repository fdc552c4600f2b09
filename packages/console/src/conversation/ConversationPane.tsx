import { HeldReplies } from '../reviews/HeldReplies';
import { useReviews } from '../reviews/data';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Empty, Result, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Conversation, type Message } from '../lib/api';
import { ChannelIcon, STATE_COLORS } from '../lib/channel';
import { errorText } from '../lib/errors';
import { keys, markSeen, typing } from '../lib/live';
import { useSession } from '../lib/session';
import { useStore } from '../lib/store';
import { ConversationActions } from './ConversationActions';
import { MessageList } from './MessageList';
import { WechatWindowNotice } from '../channels/wechat/WechatWindowNotice';
import { LeftMessageNotice } from './LeftMessageNotice';
import { ComposerUnlessReadOnly as Composer } from './ReadOnlyBar';
import { customerTitle } from '../lib/customer-title';
import { SlaHeaderBadge } from '../sla/SlaClocksCard';

export function useConversation(conversationId: string) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: keys.conversation(workspaceId, conversationId),
    queryFn: () => api.get<Conversation>(`/workspaces/${workspaceId}/conversations/${conversationId}`),
  });
}

function TypingLine({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const all = useStore(typing);
  const entry = all[conversationId];
  useEffect(() => {
    if (!entry) return;
    const timer = setTimeout(
      () =>
        typing.update((current) => {
          if (current[conversationId] !== entry) return current;
          const { [conversationId]: _gone, ...rest } = current;
          return rest;
        }),
      Math.max(0, entry.until - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [entry, conversationId]);
  return (
    <div style={{ height: 20, padding: '0 20px', fontSize: 12, color: '#8c8c8c' }} aria-live="polite" data-testid="typing">
      {entry?.from === 'customer' ? (entry.name ? t('conversation.typing', { name: entry.name }) : t('conversation.customerTyping')) : ''}
    </div>
  );
}

export function ConversationPane({ conversationId }: { conversationId: string | undefined }) {
  const { t } = useTranslation();
  if (!conversationId)
    return (
      <main style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#fafafa' }}>
        <Empty
          description={
            <>
              {t('inbox.select')}
              <br />
              <Typography.Text type="secondary">{t('inbox.selectHint')}</Typography.Text>
            </>
          }
        />
      </main>
    );
  return <OpenConversation conversationId={conversationId} />;
}

function OpenConversation({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const client = useQueryClient();
  const conversation = useConversation(conversationId);
  const messages = useQuery({
    queryKey: keys.messages(workspaceId, conversationId),
    queryFn: async () =>
      (await api.get<{ items: Message[] }>(`/workspaces/${workspaceId}/conversations/${conversationId}/messages`, { limit: 500 })).items,
    staleTime: Infinity,
  });
  const readUpTo = useRef(0);
  const reviews = useReviews({ conversationId });
  const approvals = useMemo(
    () =>
      new Map(
        (reviews.data?.items ?? []).flatMap((review) =>
          review.status === 'approved' && review.messageId
            ? [[review.messageId, { by: review.decidedByName, edited: review.edited }] as const]
            : [],
        ),
      ),
    [reviews.data],
  );

  // Showing a conversation clears its unread badge and tells the customer their messages were read.
  const lastIn = messages.data?.filter((message) => message.kind === 'in').at(-1)?.seq ?? 0;
  useEffect(() => {
    markSeen(conversationId);
    if (lastIn > readUpTo.current && document.visibilityState === 'visible') {
      readUpTo.current = lastIn;
      void api.post(`/workspaces/${workspaceId}/conversations/${conversationId}/read`, { upToSeq: lastIn }).catch(() => undefined);
    }
  }, [conversationId, lastIn, workspaceId]);

  if (conversation.isPending)
    return (
      <main style={{ flex: 1, padding: 24, background: 'white' }}>
        <Skeleton active paragraph={{ rows: 8 }} />
      </main>
    );
  if (conversation.isError)
    return (
      <main style={{ flex: 1, background: 'white' }}>
        <Result status="warning" title={t('conversation.notFound')} subTitle={errorText(t, conversation.error)} />
      </main>
    );
  const current = conversation.data;
  return (
    <main style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', background: 'white' }} data-testid="conversation">
      <div style={{ padding: '10px 16px', borderBottom: '1px solid #f0f0f0' }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <ChannelIcon channel={current.channel} />
          <Typography.Title level={5} style={{ margin: 0 }} ellipsis>
            {customerTitle(current, t)}
          </Typography.Title>
          <Typography.Text type="secondary">{t('conversation.number', { number: current.number })}</Typography.Text>
          <Tag color={STATE_COLORS[current.state]} data-testid="conversation-state" data-state={current.state}>
            {t(`states.${current.state}`)}
          </Tag>
          <SlaHeaderBadge subject={{ type: 'conversation', id: current.id }} />
        </div>
        <ConversationActions conversation={current} />
      </div>
      <div style={{ flex: 1, overflowY: 'auto', minHeight: 0 }}>
        {messages.isPending ? (
          <div style={{ padding: 24 }} aria-label={t('conversation.loadingMessages')}>
            <Skeleton active paragraph={{ rows: 6 }} />
          </div>
        ) : messages.isError ? (
          <Alert
            style={{ margin: 16 }}
            type="error"
            showIcon
            title={t('errors.loadFailed')}
            description={errorText(t, messages.error)}
            action={<Button onClick={() => void messages.refetch()}>{t('common.retry')}</Button>}
          />
        ) : (
          <MessageList conversation={current} messages={messages.data} myId={user.id} approvals={approvals} />
        )}
      </div>
      <HeldReplies conversationId={conversationId} />
      <TypingLine conversationId={conversationId} />
      {current.state === 'resolved' && <Alert type="info" banner title={t('conversation.resolvedBanner')} />}
      <LeftMessageNotice context={current.context} />
      <WechatWindowNotice conversation={current} messages={messages.data} />
      {/* Keyed: the text, attachments and CC line belong to this conversation, never the next one opened (drafts.ts keeps each one's text). */}
      <Composer
        key={current.id}
        conversation={current}
        onSent={(message) =>
          client.setQueryData<Message[]>(keys.messages(workspaceId, conversationId), (old) =>
            old && !old.some((item) => item.id === message.id) ? [...old, message].sort((a, b) => a.seq - b.seq) : old,
          )
        }
      />
    </main>
  );
}
