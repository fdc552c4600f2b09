import { CheckOutlined, CloseOutlined, EditOutlined } from '@ant-design/icons';
import type { Conversation, Message } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Form, Input, Layout, List, Modal, Segmented, Space, Tag, Typography, type ButtonProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { MessageList } from '../conversation/MessageList';
import { api } from '../lib/api';
import { ChannelIcon } from '../lib/channel';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { Header } from '../shell/Header';
import { reviewKeys, useReviewUpdates, useReviews, type ReplyReview } from './data';

type Filter = 'pending' | 'approved' | 'rejected' | 'mine';
const STATUS_COLORS = { pending: 'gold', approved: 'green', rejected: 'red' } as const;

/** The case beside the reply: the conversation's messages as the customer and agents wrote them. */
function CaseContext({ review }: { review: ReplyReview }) {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const base = `/workspaces/${workspaceId}/conversations/${review.conversationId}`;
  const conversation = useQuery({
    queryKey: ['conversation', workspaceId, review.conversationId],
    queryFn: () => api.get<Conversation>(base),
  });
  const messages = useQuery({
    queryKey: ['messages', workspaceId, review.conversationId],
    queryFn: async () => (await api.get<{ items: Message[] }>(`${base}/messages`, { limit: 500 })).items,
  });
  const link = review.ticketId ? `/tickets/${review.ticketId}` : `/inbox/${review.conversationId}`;
  return (
    <Card
      size="small"
      title={
        <Space>
          <ChannelIcon channel={review.channel} />
          {review.ticketId
            ? t('reviews.ticket', { number: review.ticketNumber })
            : t('reviews.conversation', { number: conversation.data?.number ?? '' })}
        </Space>
      }
      extra={<Link to={link}>{t('reviews.openCase')}</Link>}
      styles={{ body: { padding: 0, maxHeight: 420, overflowY: 'auto' } }}
      data-testid="review-context"
    >
      {conversation.data && messages.data ? (
        messages.data.length ? (
          <MessageList conversation={conversation.data} messages={messages.data} myId={user.id} />
        ) : (
          <Empty description={t('reviews.contextEmpty')} />
        )
      ) : conversation.isError ? (
        <Typography.Text type="danger">{errorText(t, conversation.error)}</Typography.Text>
      ) : null}
    </Card>
  );
}

function Decision({ review }: { review: ReplyReview }) {
  const { t } = useTranslation();
  const { workspaceId, user } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [dialog, setDialog] = useState<'edit' | 'reject' | null>(null);
  const [form] = Form.useForm<{ text?: string; reason?: string }>();
  const base = `/workspaces/${workspaceId}/reviews/${review.id}`;
  const decide = useMutation({
    mutationFn: (step: { path: 'approve' | 'approve-with-edit' | 'reject'; body?: Record<string, string> }) =>
      api.post<ReplyReview>(`${base}/${step.path}`, step.body ?? {}),
    onSuccess: (decided) => {
      void message.success(decided.status === 'approved' ? t('reviews.approved') : t('reviews.rejected'));
      setDialog(null);
      void client.invalidateQueries({ queryKey: reviewKeys.all(workspaceId) });
      void client.invalidateQueries({ queryKey: ['messages', workspaceId, review.conversationId] });
    },
    onError: (error) => {
      void message.error(errorText(t, error));
      void client.invalidateQueries({ queryKey: reviewKeys.all(workspaceId) });
    },
  });
  const own = review.authorId === user.id;
  return (
    <Card
      size="small"
      title={t('reviews.pendingReply')}
      extra={<Tag color={STATUS_COLORS[review.status]}>{t(`reviews.status.${review.status}`)}</Tag>}
      data-testid="review-reply"
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t('reviews.author')}: {review.authorName ?? '—'} · {t('reviews.policy')}: {review.policyName} ·{' '}
          {t('reviews.heldAt', { time: new Date(review.createdAt).toLocaleString() })}
        </Typography.Text>
        <div style={{ whiteSpace: 'pre-wrap', background: '#e6f4ff', padding: '8px 12px', borderRadius: 6 }} data-testid="review-text">
          {review.text}
        </div>
        {review.edited && (
          <Typography.Text type="secondary">
            {t('reviews.original')}: <span style={{ whiteSpace: 'pre-wrap' }}>{review.originalText}</span>
          </Typography.Text>
        )}
        {review.status !== 'pending' && review.decidedAt && (
          <Typography.Text>
            {t('reviews.decidedBy', { name: review.decidedByName ?? '—', time: new Date(review.decidedAt).toLocaleString() })}
            {review.rejectionReason ? ` · ${t('reviews.held.reason', { reason: review.rejectionReason })}` : ''}
          </Typography.Text>
        )}
        {review.status === 'pending' &&
          (own ? (
            <Typography.Text type="secondary">{t('reviews.ownReply')}</Typography.Text>
          ) : (
            <Space wrap>
              <Button
                type="primary"
                icon={<CheckOutlined />}
                loading={decide.isPending}
                onClick={() => decide.mutate({ path: 'approve' })}
                data-testid="review-approve"
              >
                {t('reviews.approve')}
              </Button>
              <Button
                icon={<EditOutlined />}
                onClick={() => {
                  form.setFieldsValue({ text: review.text });
                  setDialog('edit');
                }}
                data-testid="review-edit"
              >
                {t('reviews.editApprove')}
              </Button>
              <Button
                danger
                icon={<CloseOutlined />}
                onClick={() => {
                  form.resetFields();
                  setDialog('reject');
                }}
                data-testid="review-reject"
              >
                {t('reviews.reject')}
              </Button>
            </Space>
          ))}
      </Space>
      <Modal
        open={dialog !== null}
        title={dialog === 'edit' ? t('reviews.editTitle') : t('reviews.rejectTitle')}
        okText={dialog === 'edit' ? t('reviews.approve') : t('reviews.reject')}
        okButtonProps={{ danger: dialog === 'reject', loading: decide.isPending, 'data-testid': 'review-dialog-ok' } as ButtonProps}
        cancelText={t('common.cancel')}
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(values) =>
            dialog === 'edit'
              ? decide.mutate({ path: 'approve-with-edit', body: { text: values.text ?? '' } })
              : decide.mutate({ path: 'reject', body: { reason: values.reason ?? '' } })
          }
        >
          {dialog === 'edit' ? (
            <Form.Item
              name="text"
              extra={t('reviews.editHint')}
              rules={[{ required: true, whitespace: true, message: t('reviews.editEmpty') }, { max: 10_000 }]}
            >
              <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} aria-label={t('reviews.editTitle')} />
            </Form.Item>
          ) : (
            <Form.Item
              name="reason"
              label={t('reviews.rejectReason')}
              rules={[{ required: true, whitespace: true, message: t('reviews.rejectReasonRequired') }, { max: 2000 }]}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} aria-label={t('reviews.rejectReason')} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

/** The review queue (回复审核): held replies oldest first, each beside its conversation or ticket. */
export default function ReviewQueuePage() {
  const { t } = useTranslation();
  const { workspaceName } = useSession();
  const [filter, setFilter] = useState<Filter>('pending');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  useReviewUpdates();
  const reviews = useReviews(filter === 'mine' ? { authorId: 'me' } : { status: filter });
  const items = reviews.data?.items ?? [];
  const selected = items.find((item) => item.id === selectedId) ?? items[0];
  useEffect(() => {
    document.title = `${t('reviews.queueTitle')} · ${workspaceName}`;
  }, [t, workspaceName]);
  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ padding: 24, overflow: 'auto' }} data-testid="review-queue">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('reviews.queueTitle')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('reviews.queueHint')}</Typography.Paragraph>
        <Segmented<Filter>
          value={filter}
          onChange={(value) => {
            setFilter(value);
            setSelectedId(null);
          }}
          options={(['pending', 'approved', 'rejected', 'mine'] as const).map((value) => ({ value, label: t(`reviews.filter.${value}`) }))}
          style={{ marginBottom: 16 }}
        />
        <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start', flexWrap: 'wrap' }}>
          <Card size="small" style={{ width: 340, flex: 'none' }} styles={{ body: { padding: 0 } }}>
            <List<ReplyReview>
              loading={reviews.isPending}
              dataSource={items}
              locale={{ emptyText: <Empty description={t('reviews.queueEmpty')} /> }}
              data-testid="review-list"
              renderItem={(review) => (
                <List.Item
                  onClick={() => setSelectedId(review.id)}
                  data-testid="review-item"
                  aria-current={selected?.id === review.id ? 'true' : undefined}
                  style={{ cursor: 'pointer', padding: '8px 12px', background: selected?.id === review.id ? '#e6f4ff' : undefined }}
                >
                  <List.Item.Meta
                    avatar={<ChannelIcon channel={review.channel} />}
                    title={
                      <Space size={4}>
                        <span>{review.authorName ?? '—'}</span>
                        <Tag color={STATUS_COLORS[review.status]}>{t(`reviews.status.${review.status}`)}</Tag>
                      </Space>
                    }
                    description={<Typography.Text ellipsis>{review.text}</Typography.Text>}
                  />
                </List.Item>
              )}
            />
          </Card>
          <div style={{ flex: 1, minWidth: 320, display: 'flex', flexDirection: 'column', gap: 16 }}>
            {selected ? (
              <>
                <Decision key={selected.id} review={selected} />
                <CaseContext review={selected} />
              </>
            ) : (
              <Empty description={t('reviews.select')} />
            )}
          </div>
        </div>
      </Layout.Content>
    </Layout>
  );
}
