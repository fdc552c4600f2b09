import { ClockCircleOutlined, CloseCircleOutlined } from '@ant-design/icons';
import { Alert, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../lib/session';
import { useReviews, type ReplyReview } from './data';

/**
 * What waits for review on a conversation or ticket, under its messages: a pending reply (the
 * author and colleagues see it; the customer does not), and the author's rejected ones with the
 * reviewer's reason. An approved reply is a message by then, so it is not repeated here.
 */
export function HeldReplies({ conversationId, ticketId }: { conversationId?: string; ticketId?: string }) {
  const { user } = useSession();
  const reviews = useReviews({ ...(conversationId ? { conversationId } : {}), ...(ticketId ? { ticketId } : {}) });
  const shown = (reviews.data?.items ?? []).filter(
    (review) => review.status === 'pending' || (review.status === 'rejected' && review.authorId === user.id),
  );
  if (shown.length === 0) return null;
  return (
    <div style={{ padding: '0 16px 8px', display: 'flex', flexDirection: 'column', gap: 8 }} data-testid="held-replies">
      {shown.map((review) => (
        <HeldReply key={review.id} review={review} />
      ))}
    </div>
  );
}

function HeldReply({ review }: { review: ReplyReview }) {
  const { t } = useTranslation();
  if (review.status === 'pending')
    return (
      <Alert
        type="warning"
        showIcon
        icon={<ClockCircleOutlined />}
        data-testid="held-reply"
        data-status="pending"
        title={
          <Space wrap>
            <span>{t('reviews.held.awaiting', { policy: review.policyName })}</span>
            <Typography.Text type="secondary">{t('reviews.held.awaitingHint')}</Typography.Text>
          </Space>
        }
        description={<div style={{ whiteSpace: 'pre-wrap' }}>{review.text}</div>}
      />
    );
  return (
    <Alert
      type="error"
      showIcon
      icon={<CloseCircleOutlined />}
      data-testid="held-reply"
      data-status="rejected"
      title={t('reviews.held.rejectedTitle', { name: review.decidedByName ?? '' })}
      description={
        <>
          <div style={{ whiteSpace: 'pre-wrap' }}>{review.originalText}</div>
          <Tag color="red" style={{ marginTop: 4, whiteSpace: 'normal' }} data-testid="rejection-reason">
            {t('reviews.held.reason', { reason: review.rejectionReason ?? '' })}
          </Tag>
        </>
      }
    />
  );
}
