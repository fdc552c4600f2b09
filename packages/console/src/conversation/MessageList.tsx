import {
  CheckOutlined,
  ExclamationCircleOutlined,
  FileOutlined,
  LockOutlined,
  RobotOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { Divider, Image, Tag, Tooltip, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { Fragment, useEffect, useRef } from 'react';
import '../reviews/locales';
import { useTranslation } from 'react-i18next';
import type { Attachment, Conversation, Message } from '../lib/api';
import { ChannelIcon } from '../lib/channel';
import { useMemberName, useTeams } from '../lib/directory';
import { dayLabel, fileSize, timeOfDay } from '../lib/format';
import { EmailMessage, RetryDelivery } from './EmailMessage';
import { RichText } from './RichText';
import { customerTitle } from '../lib/customer-title';

function Attachments({ items }: { items: Attachment[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginTop: 6 }}>
      {items.map((file) =>
        file.contentType.startsWith('image/') ? (
          <Image
            key={file.id}
            src={file.url}
            alt={file.name}
            width={160}
            style={{ maxHeight: 160, objectFit: 'cover', borderRadius: 6 }}
            preview={{ mask: t('conversation.preview') }}
          />
        ) : (
          <a key={file.id} href={file.url} target="_blank" rel="noopener noreferrer" download={file.name}>
            <FileOutlined /> {file.name} <Typography.Text type="secondary">({fileSize(file.size)})</Typography.Text>
          </a>
        ),
      )}
    </div>
  );
}

function DeliveryMark({ message }: { message: Message }) {
  const { t } = useTranslation();
  if (message.kind !== 'out') return null;
  const label = t(`conversation.delivery.${message.delivery}`);
  if (message.delivery === 'failed')
    return (
      <Tooltip title={t('conversation.failed', { reason: message.failureReason ?? '' })}>
        <Typography.Text type="danger" data-delivery="failed">
          <ExclamationCircleOutlined /> {label}
        </Typography.Text>
      </Tooltip>
    );
  return (
    <span
      data-delivery={message.delivery}
      aria-label={label}
      title={label}
      style={{ color: message.delivery === 'read' ? '#1677ff' : '#8c8c8c' }}
    >
      <CheckOutlined />
      {message.delivery !== 'sent' && <CheckOutlined style={{ marginInlineStart: -6 }} />}
    </span>
  );
}

/** An inline line for a system event: who did what. */
function eventText(
  t: TFunction,
  message: Message,
  memberName: (id: string | null | undefined) => string | null,
  teamName: (id: unknown) => string,
): string {
  const event = message.event ?? {};
  const type = String(event.type ?? '');
  const actor = message.senderName ?? t('conversation.system');
  const assignee = memberName(typeof event.assigneeId === 'string' ? event.assigneeId : null);
  switch (type) {
    case 'assigned':
      if (!event.assigneeId) return t('conversation.events.unassigned', { actor });
      return message.senderType === 'system'
        ? t('conversation.events.assignedRouter', { assignee: assignee ?? t('common.unknown') })
        : t('conversation.events.assigned', { actor, assignee: assignee ?? t('common.unknown') });
    case 'unassigned':
      return t('conversation.events.unassigned', { actor });
    case 'transferred':
      return event.assigneeId
        ? t('conversation.events.transferred', { actor, target: assignee ?? t('common.unknown') })
        : t('conversation.events.transferredTeam', { actor, team: teamName(event.teamId) });
    case 'resolved':
      return event.disposition
        ? t('conversation.events.resolvedWith', { actor, disposition: String(event.disposition) })
        : t('conversation.events.resolved', { actor });
    case 'reopened':
      return t('conversation.events.reopened', { actor });
    case 'tagged': {
      const tags = Array.isArray(event.tags) ? (event.tags as string[]) : [];
      return tags.length ? t('conversation.events.tagged', { actor, tags: tags.join('、') }) : t('conversation.events.untagged', { actor });
    }
    case 'priority':
      return t('conversation.events.priority', { actor, priority: t(`priorities.${String(event.priority)}`, String(event.priority)) });
    case 'csat':
      return typeof event.comment === 'string' && event.comment
        ? t('conversation.events.csatWithComment', { rating: Number(event.rating), comment: event.comment })
        : t('conversation.events.csat', { rating: Number(event.rating) });
    case 'requeued': {
      // Conversations requeued before the reason became a code read 'agent offline'.
      const reason = String(event.reason ?? 'unknown').replace(/^agent offline$/, 'offline');
      return t('conversation.events.requeued', { reason: t(`conversation.reasons.${reason}`, t('conversation.reasons.unknown')) });
    }
    case 'recalled':
      return t('conversation.events.recalled');
    case 'overflowed':
      return t('conversation.events.overflowed', { team: teamName(event.toTeamId ?? event.teamId) });
    case 'rule_matched':
      return t('conversation.events.rule_matched', { rule: String(event.ruleName ?? event.name ?? event.ruleId ?? '') });
    case 'queued':
      return t('conversation.events.queued');
    case 'handed_off': {
      const reason = String(event.reason ?? 'unknown');
      return t('conversation.events.handed_off', {
        reason: t(`conversation.handoffReasons.${reason}`, t('conversation.reasons.unknown')),
      });
    }
    case 'email_thread_refused':
      return event.reason === 'not_participant'
        ? t('conversation.events.emailThreadNotParticipant', { number: Number(event.mentionedNumber) })
        : t('conversation.events.emailThreadUnverified', { number: Number(event.mentionedNumber) });
    default:
      return t('conversation.events.other', { type });
  }
}

/** The conversation's messages grouped by day: customer on the left, agents and bot on the right, notes in yellow, events inline. */
export function MessageList({
  conversation,
  messages,
  myId,
  approvals,
}: {
  conversation: Conversation;
  messages: Message[];
  myId: string;
  /** Replies that went out after review, by message id: who approved each, and whether they edited it. */
  approvals?: ReadonlyMap<string, { by: string | null; edited: boolean }>;
}) {
  const { t, i18n } = useTranslation();
  const memberName = useMemberName();
  const teams = useTeams();
  const teamName = (id: unknown) => teams.data?.find((team) => team.id === id)?.name ?? t('common.unknown');
  const end = useRef<HTMLDivElement>(null);
  const lastSeq = messages.at(-1)?.seq;

  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [lastSeq]);

  let day = '';
  return (
    <div
      role="log"
      aria-live="polite"
      aria-label={t('conversation.number', { number: conversation.number })}
      style={{ padding: '8px 20px' }}
    >
      {messages.map((message) => {
        const label = dayLabel(t, message.createdAt, i18n.language);
        const newDay = label !== day;
        day = label;
        const divider = newDay ? (
          <Divider plain style={{ fontSize: 12, color: '#8c8c8c' }}>
            {label}
          </Divider>
        ) : null;
        if (message.kind === 'event') {
          return (
            <Fragment key={message.id}>
              {divider}
              <div data-testid="event" data-event={String(message.event?.type ?? '')} style={{ textAlign: 'center', margin: '8px 0' }}>
                <Typography.Text type="secondary" style={{ fontSize: 12, background: '#f5f5f5', padding: '2px 10px', borderRadius: 10 }}>
                  {eventText(t, message, memberName, teamName)} · {timeOfDay(message.createdAt, i18n.language)}
                </Typography.Text>
              </div>
            </Fragment>
          );
        }
        const fromCustomer = message.kind === 'in';
        const note = message.kind === 'note';
        const bot = message.senderType === 'bot';
        const sender = fromCustomer
          ? (message.senderName ?? customerTitle(conversation, t))
          : bot
            ? t('conversation.bot')
            : message.senderId === myId
              ? `${message.senderName ?? ''} (${t('conversation.you')})`
              : (message.senderName ?? t('conversation.system'));
        const background = note ? '#fffbe6' : fromCustomer ? '#f5f5f5' : bot ? '#f9f0ff' : '#e6f4ff';
        const border = note ? '1px dashed #faad14' : bot ? '1px solid #d3adf7' : '1px solid transparent';
        return (
          <Fragment key={message.id}>
            {divider}
            <div
              data-testid="message"
              data-kind={message.kind}
              data-sender={message.senderType}
              style={{ display: 'flex', flexDirection: 'column', alignItems: fromCustomer ? 'flex-start' : 'flex-end', margin: '10px 0' }}
            >
              <div style={{ fontSize: 12, color: '#8c8c8c', marginBottom: 2, display: 'flex', gap: 6, alignItems: 'center' }}>
                {fromCustomer && <ChannelIcon channel={conversation.channel} />}
                {bot && <RobotOutlined />}
                <span>{sender}</span>
                {note && (
                  <Tag color="gold" icon={<LockOutlined />} style={{ marginInlineEnd: 0 }}>
                    {t('conversation.note')}
                  </Tag>
                )}
                {bot && (
                  <Tag color="purple" style={{ marginInlineEnd: 0 }}>
                    {t('conversation.botTurn')}
                  </Tag>
                )}
                {approvals?.has(message.id) && (
                  <Tag color="green" icon={<SafetyCertificateOutlined />} style={{ marginInlineEnd: 0 }} data-testid="message-approved">
                    {t('reviews.held.approvedBy', { name: approvals.get(message.id)!.by ?? '' })}
                    {approvals.get(message.id)!.edited ? ` ${t('reviews.held.edited')}` : ''}
                  </Tag>
                )}
                <span>{timeOfDay(message.createdAt, i18n.language)}</span>
                <DeliveryMark message={message} />
              </div>
              <div
                className="message-bubble"
                style={{
                  maxWidth: '72%',
                  background,
                  border,
                  borderRadius: 8,
                  padding: '8px 12px',
                  whiteSpace: 'pre-wrap',
                  wordBreak: 'break-word',
                }}
              >
                {conversation.channel === 'email' && message.kind === 'in' ? (
                  <EmailMessage conversation={conversation} message={message} />
                ) : message.senderType === 'bot' && message.text ? (
                  <RichText text={message.text} />
                ) : (
                  message.text && <span data-testid="message-text">{message.text}</span>
                )}
                <Attachments items={message.attachments} />
              </div>
              <RetryDelivery conversation={conversation} message={message} />
            </div>
          </Fragment>
        );
      })}
      <div ref={end} />
    </div>
  );
}
