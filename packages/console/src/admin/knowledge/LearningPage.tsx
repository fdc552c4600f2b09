import { FileAddOutlined, PlusSquareOutlined } from '@ant-design/icons';
import type { UnansweredQuestion } from '@huiliu/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Form, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { ADMIN_PAGE_STYLE, AdminPageTitle, LoadFailed, useWorkspacePath } from '../content-common';
import { CategorySelect, FaqPicker } from './shared';

type Question = z.infer<typeof UnansweredQuestion>;
type Status = Question['status'];
const REASON_COLORS: Record<string, string> = { unanswered: 'red', low_confidence: 'orange', downvoted: 'magenta' };

type NewFaqValues = { question: string; answer: string; categoryId: string | null };

/**
 * One learning-loop action on a question (it joins an FAQ, or becomes one): on success the
 * lists it changes are fetched again and the dialog closes.
 */
function useQuestionAction<Body>(question: Question, action: 'add-to-faq' | 'create-faq', done: string, onClose: () => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  return useMutation({
    mutationFn: (body: Body) => api.post<unknown>(`${base}/knowledge/unanswered/${question.id}/${action}`, body),
    onSuccess: () => {
      void message.success(t(done));
      for (const key of ['kb-unanswered', 'kb-faqs', 'kb-faq-picker']) void client.invalidateQueries({ queryKey: [key] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
}

function AddToFaq({ question, onClose }: { question: Question; onClose: () => void }) {
  const { t } = useTranslation();
  const [faqId, setFaqId] = useState<string | undefined>();
  const add = useQuestionAction<{ faqId?: string }>(question, 'add-to-faq', 'content.learning.added', onClose);
  return (
    <Modal
      open
      title={t('content.learning.addTitle')}
      onCancel={onClose}
      okText={t('content.learning.addConfirm')}
      okButtonProps={{ disabled: !faqId }}
      onOk={() => add.mutate({ faqId })}
      confirmLoading={add.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {t('content.learning.addHint')} <Typography.Text strong>“{question.text}”</Typography.Text>
      </Typography.Paragraph>
      <FaqPicker value={faqId} onChange={setFaqId} />
    </Modal>
  );
}

function NewFaq({ question, onClose }: { question: Question; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewFaqValues>();
  const create = useQuestionAction<NewFaqValues>(question, 'create-faq', 'content.learning.created', onClose);
  return (
    <Modal
      open
      title={t('content.learning.newTitle')}
      onCancel={onClose}
      okText={t('common.save')}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ question: question.text, answer: '', categoryId: null }}
        onFinish={(values) => create.mutate(values)}
      >
        <Form.Item
          name="question"
          label={t('content.kb.question')}
          rules={[{ required: true, whitespace: true, message: t('content.required') }, { max: 500 }]}
        >
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item
          name="answer"
          label={t('content.kb.answer')}
          rules={[{ required: true, whitespace: true, message: t('content.required') }]}
        >
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} maxLength={20000} />
        </Form.Item>
        <Form.Item name="categoryId" label={t('content.kb.category')}>
          <CategorySelect />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The learning loop: what customers asked that the bot could not answer well, most frequent first. */
export default function LearningPage() {
  const { t } = useTranslation();
  const base = useWorkspacePath();
  const [status, setStatus] = useState<Status>('open');
  const [adding, setAdding] = useState<Question | null>(null);
  const [creating, setCreating] = useState<Question | null>(null);
  const list = useQuery({
    queryKey: ['kb-unanswered', base, status],
    queryFn: () => api.get<Question[]>(`${base}/knowledge/unanswered`, { status, limit: 200 }),
  });
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle
        title={t('content.learning.title')}
        hint={t('content.learning.hint')}
        extra={
          <Segmented<Status>
            value={status}
            onChange={setStatus}
            options={[
              { value: 'open', label: t('content.learning.open') },
              { value: 'handled', label: t('content.learning.handled') },
            ]}
          />
        }
      />
      {list.isError && <LoadFailed error={list.error} onRetry={() => void list.refetch()} />}
      <Table<Question>
        rowKey="id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={status === 'open' ? t('content.learning.empty') : t('content.learning.emptyHandled')} /> }}
        onRow={(row) => ({ 'data-testid': 'unanswered-row', 'data-question': row.text }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('content.learning.question'),
            dataIndex: 'text',
            render: (value: string) => <Typography.Text strong>{value}</Typography.Text>,
          },
          { title: t('content.learning.count'), dataIndex: 'count', width: 80, align: 'right' },
          {
            title: t('content.learning.reasons'),
            dataIndex: 'reasons',
            width: 260,
            render: (reasons: Record<string, number>) => (
              <Space size={4} wrap>
                {Object.entries(reasons).map(([reason, count]) => (
                  <Tag key={reason} color={REASON_COLORS[reason]}>
                    {t(`content.learning.reason.${reason}`, { defaultValue: reason })} × {count}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('content.learning.lastSeen'),
            dataIndex: 'lastSeenAt',
            width: 150,
            render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: t('content.actions'),
            key: 'actions',
            width: 250,
            render: (_, row) =>
              row.status === 'open' ? (
                <Space>
                  <Button size="small" icon={<PlusSquareOutlined />} onClick={() => setAdding(row)}>
                    {t('content.learning.addToFaq')}
                  </Button>
                  <Button size="small" icon={<FileAddOutlined />} onClick={() => setCreating(row)}>
                    {t('content.learning.newFaq')}
                  </Button>
                </Space>
              ) : (
                <Tag color="green">{t('content.learning.done')}</Tag>
              ),
          },
        ]}
      />
      {adding && <AddToFaq question={adding} onClose={() => setAdding(null)} />}
      {creating && <NewFaq question={creating} onClose={() => setCreating(null)} />}
    </div>
  );
}
