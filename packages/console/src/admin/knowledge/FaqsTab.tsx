import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Drawer, Empty, Form, Input, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { EditDeleteActions, LoadFailed, LoadMore, remove, useWorkspacePath } from '../content-common';
import { ImportExport } from './ImportExport';
import { CategorySelect, MarkdownPreview, useCategories, useDebounced, type Faq } from './shared';

interface FaqForm {
  question: string;
  similarQuestions: string[];
  answer: string;
  categoryId: string | null;
  terms: string[];
  enabled: boolean;
  valid: [Dayjs | null, Dayjs | null] | null;
}

function toForm(faq: Faq | null): FaqForm {
  if (!faq) return { question: '', similarQuestions: [], answer: '', categoryId: null, terms: [], enabled: true, valid: null };
  return {
    question: faq.question,
    similarQuestions: faq.similarQuestions,
    answer: faq.answer,
    categoryId: faq.categoryId,
    terms: faq.terms,
    enabled: faq.enabled,
    valid: faq.validFrom || faq.validTo ? [faq.validFrom ? dayjs(faq.validFrom) : null, faq.validTo ? dayjs(faq.validTo) : null] : null,
  };
}

function fromForm(values: FaqForm) {
  return {
    question: values.question.trim(),
    // Empty rows left in the list are not questions.
    similarQuestions: (values.similarQuestions ?? []).map((text) => (text ?? '').trim()).filter(Boolean),
    answer: values.answer,
    categoryId: values.categoryId ?? null,
    terms: values.terms ?? [],
    enabled: values.enabled,
    validFrom: values.valid?.[0]?.toISOString() ?? null,
    validTo: values.valid?.[1]?.toISOString() ?? null,
  };
}

export function FaqEditor({ editing, onClose }: { editing: Faq | 'new'; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [form] = Form.useForm<FaqForm>();
  const answer = Form.useWatch('answer', form) ?? '';
  const save = useMutation({
    mutationFn: (values: FaqForm) =>
      editing === 'new'
        ? api.post<Faq>(`${base}/knowledge/faqs`, fromForm(values))
        : api.patch<Faq>(`${base}/knowledge/faqs/${editing.id}`, fromForm(values)),
    onSuccess: () => {
      void message.success(t('content.saved'));
      void client.invalidateQueries({ queryKey: ['kb-faqs'] });
      void client.invalidateQueries({ queryKey: ['kb-faq-picker'] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <Drawer
      open
      size={640}
      title={editing === 'new' ? t('content.kb.newFaq') : t('content.kb.editFaq')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={toForm(editing === 'new' ? null : editing)}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item
          name="question"
          label={t('content.kb.question')}
          rules={[{ required: true, whitespace: true, message: t('content.required') }, { max: 500 }]}
        >
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item label={t('content.kb.similar')} extra={t('content.kb.similarHint')}>
          <Form.List name="similarQuestions">
            {(fields, { add, remove: drop }) => (
              <>
                {fields.map((field, index) => (
                  <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={field.name} rules={[{ max: 500 }]} style={{ marginBottom: 8, width: 520 }}>
                      <Input aria-label={t('content.kb.similarN', { n: index + 1 })} maxLength={500} />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => drop(field.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')}>
                  {t('content.kb.addSimilar')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item label={t('content.kb.answer')} required>
          <Tabs
            size="small"
            items={[
              {
                key: 'write',
                label: t('content.kb.write'),
                children: (
                  <Form.Item name="answer" noStyle rules={[{ required: true, whitespace: true, message: t('content.required') }]}>
                    <Input.TextArea aria-label={t('content.kb.answer')} autoSize={{ minRows: 4, maxRows: 14 }} maxLength={20000} />
                  </Form.Item>
                ),
              },
              { key: 'preview', label: t('content.kb.preview'), children: <MarkdownPreview source={answer} /> },
            ]}
          />
        </Form.Item>
        <Form.Item name="categoryId" label={t('content.kb.category')}>
          <CategorySelect />
        </Form.Item>
        <Form.Item name="terms" label={t('content.kb.terms')} extra={t('content.kb.termsHint')}>
          <Select mode="tags" open={false} tokenSeparators={[',', '，']} aria-label={t('content.kb.terms')} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="enabled" label={t('content.kb.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="valid" label={t('content.kb.valid')} extra={t('content.kb.validHint')}>
            <DatePicker.RangePicker showTime allowEmpty={[true, true]} />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

function validity(faq: Faq, t: (key: string, options?: Record<string, string>) => string) {
  if (!faq.validFrom && !faq.validTo) return <Typography.Text type="secondary">{t('content.kb.always')}</Typography.Text>;
  const now = Date.now();
  const expired = faq.validTo && Date.parse(faq.validTo) < now;
  const pending = faq.validFrom && Date.parse(faq.validFrom) > now;
  return (
    <Space orientation="vertical" size={0}>
      <span style={{ fontSize: 12 }}>
        {faq.validFrom ? dayjs(faq.validFrom).format('YYYY-MM-DD') : '…'} ~ {faq.validTo ? dayjs(faq.validTo).format('YYYY-MM-DD') : '…'}
      </span>
      {expired && <Tag color="red">{t('content.kb.expired')}</Tag>}
      {pending && <Tag color="orange">{t('content.kb.notYet')}</Tag>}
    </Space>
  );
}

export function FaqsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const categories = useCategories();
  const [search, setSearch] = useState('');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Faq | 'new' | null>(null);
  const q = useDebounced(search.trim());
  const faqs = useInfiniteQuery({
    queryKey: ['kb-faqs', base, q, categoryId],
    queryFn: ({ pageParam }) =>
      api.get<Page<Faq>>(`${base}/knowledge/faqs`, { q: q || undefined, categoryId, cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const toggle = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => api.patch<Faq>(`${base}/knowledge/faqs/${id}`, { enabled }),
    onSuccess: (saved, { id, enabled }) => {
      void client.invalidateQueries({ queryKey: ['kb-faqs'] });
      // The bot stops using a disabled answer at once: say so, and let a slip be taken back.
      if (!enabled)
        void message.open({
          key: `faq-disabled-${id}`,
          type: 'success',
          duration: 8,
          content: (
            <span data-testid="faq-disabled-notice">
              {t('content.kb.disabledNotice', { question: saved.question })}{' '}
              <Button
                type="link"
                size="small"
                data-testid="faq-undo"
                onClick={() => {
                  message.destroy(`faq-disabled-${id}`);
                  toggle.mutate({ id, enabled: true });
                }}
              >
                {t('content.kb.undo')}
              </Button>
            </span>
          ),
        });
    },
    onError,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/knowledge/faqs/${id}`),
    onSuccess: () => {
      void message.success(t('content.deleted'));
      void client.invalidateQueries({ queryKey: ['kb-faqs'] });
    },
    onError,
  });
  const rows = faqs.data?.pages.flatMap((page) => page.items) ?? [];
  const categoryName = (id: string | null) => (id ? (categories.data?.find((c) => c.id === id)?.name ?? '') : '');
  return (
    <div>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder={t('content.kb.searchFaqs')}
          aria-label={t('content.kb.searchFaqs')}
          style={{ width: 280 }}
        />
        <CategorySelect allowAll value={categoryId} onChange={setCategoryId} style={{ width: 180 }} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('content.kb.newFaq')}
        </Button>
        <ImportExport />
      </Space>
      {faqs.isError && <LoadFailed error={faqs.error} onRetry={() => void faqs.refetch()} />}
      <Table<Faq>
        rowKey="id"
        size="middle"
        loading={faqs.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <Empty description={q || categoryId ? t('content.noMatch') : t('content.kb.noFaqs')} /> }}
        columns={[
          {
            title: t('content.kb.question'),
            dataIndex: 'question',
            render: (value: string, row) => (
              <Space orientation="vertical" size={2}>
                <Typography.Text strong>{value}</Typography.Text>
                {row.similarQuestions.length > 0 && (
                  <Typography.Text
                    type="secondary"
                    ellipsis={{ tooltip: row.similarQuestions.join(' | ') }}
                    style={{ maxWidth: 460, fontSize: 12 }}
                  >
                    {t('content.kb.similarCount', { n: row.similarQuestions.length })}: {row.similarQuestions.join(' | ')}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('content.kb.category'), dataIndex: 'categoryId', width: 120, render: (value: string | null) => categoryName(value) },
          { title: t('content.kb.validShort'), key: 'valid', width: 170, render: (_, row) => validity(row, t) },
          {
            title: t('content.kb.enabled'),
            dataIndex: 'enabled',
            width: 90,
            render: (value: boolean, row) =>
              value ? (
                // Turning an answer off changes what customers are told: it asks first.
                <Popconfirm
                  title={t('content.kb.disableConfirm')}
                  description={t('content.kb.disableConfirmHint')}
                  okText={t('content.kb.disableOk')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => toggle.mutate({ id: row.id, enabled: false })}
                >
                  <Switch size="small" checked aria-label={t('content.kb.enabled')} />
                </Popconfirm>
              ) : (
                <Switch
                  size="small"
                  checked={false}
                  aria-label={t('content.kb.enabled')}
                  onChange={() => toggle.mutate({ id: row.id, enabled: true })}
                />
              ),
          },
          {
            title: t('content.actions'),
            key: 'actions',
            width: 100,
            render: (_, row) => <EditDeleteActions onEdit={() => setEditing(row)} onDelete={() => del.mutate(row.id)} />,
          },
        ]}
      />
      <LoadMore query={faqs} />
      {editing && <FaqEditor editing={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
