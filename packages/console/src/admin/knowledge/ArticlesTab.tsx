import { PlusOutlined } from '@ant-design/icons';
import type { Article } from '@huiliu/contracts';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, Drawer, Empty, Form, Input, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, type Page } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { EditDeleteActions, LoadFailed, LoadMore, remove, useWorkspacePath } from '../content-common';
import { CategorySelect, MarkdownPreview, useCategories } from './shared';

type ArticleView = z.infer<typeof Article>;
type Status = ArticleView['status'];
type Visibility = ArticleView['visibility'];
interface ArticleForm {
  title: string;
  body: string;
  categoryId: string | null;
  status: Status;
  visibility: Visibility;
}

function ArticleEditor({ editing, onClose }: { editing: ArticleView | 'new'; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [form] = Form.useForm<ArticleForm>();
  const body = Form.useWatch('body', form) ?? '';
  const save = useMutation({
    mutationFn: (values: ArticleForm) =>
      editing === 'new'
        ? api.post<ArticleView>(`${base}/knowledge/articles`, values)
        : api.patch<ArticleView>(`${base}/knowledge/articles/${editing.id}`, values),
    onSuccess: () => {
      void message.success(t('content.saved'));
      void client.invalidateQueries({ queryKey: ['kb-articles'] });
      onClose();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const initial: ArticleForm =
    editing === 'new'
      ? { title: '', body: '', categoryId: null, status: 'draft', visibility: 'public' }
      : {
          title: editing.title,
          body: editing.body,
          categoryId: editing.categoryId,
          status: editing.status,
          visibility: editing.visibility,
        };
  return (
    <Drawer
      open
      size="min(1100px, 96vw)"
      title={editing === 'new' ? t('content.kb.newArticle') : t('content.kb.editArticle')}
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
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="title"
          label={t('content.kb.articleTitle')}
          rules={[{ required: true, whitespace: true, message: t('content.required') }, { max: 200 }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="categoryId" label={t('content.kb.category')}>
            <CategorySelect style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="status" label={t('content.kb.status')}>
            <Radio.Group optionType="button">
              <Radio value="draft">{t('content.kb.statuses.draft')}</Radio>
              <Radio value="published">{t('content.kb.statuses.published')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="visibility" label={t('content.kb.visibility')} extra={t('content.kb.visibilityHint')}>
            <Radio.Group optionType="button">
              <Radio value="public">{t('content.kb.visibilities.public')}</Radio>
              <Radio value="internal">{t('content.kb.visibilities.internal')}</Radio>
            </Radio.Group>
          </Form.Item>
        </Space>
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <Form.Item name="body" label={t('content.kb.body')} extra={t('content.kb.markdownHint')}>
              <Input.TextArea
                aria-label={t('content.kb.body')}
                autoSize={{ minRows: 16, maxRows: 30 }}
                maxLength={100000}
                style={{ fontFamily: 'monospace' }}
              />
            </Form.Item>
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Text type="secondary">{t('content.kb.preview')}</Typography.Text>
            <div
              style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 16px', marginTop: 8, minHeight: 360, overflow: 'auto' }}
            >
              <MarkdownPreview source={body} />
            </div>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}

export function ArticlesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const categories = useCategories();
  const [status, setStatus] = useState<Status | ''>('');
  const [editing, setEditing] = useState<ArticleView | 'new' | null>(null);
  const articles = useInfiniteQuery({
    queryKey: ['kb-articles', base, status],
    queryFn: ({ pageParam }) =>
      api.get<Page<ArticleView>>(`${base}/knowledge/articles`, { status: status || undefined, cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/knowledge/articles/${id}`),
    onSuccess: () => {
      void message.success(t('content.deleted'));
      void client.invalidateQueries({ queryKey: ['kb-articles'] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const rows = articles.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<Status | ''>
          value={status}
          onChange={setStatus}
          style={{ width: 160 }}
          aria-label={t('content.kb.status')}
          options={[
            { value: '', label: t('content.kb.allStatuses') },
            { value: 'draft', label: t('content.kb.statuses.draft') },
            { value: 'published', label: t('content.kb.statuses.published') },
          ]}
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('content.kb.newArticle')}
        </Button>
      </Space>
      {articles.isError && <LoadFailed error={articles.error} onRetry={() => void articles.refetch()} />}
      <Table<ArticleView>
        rowKey="id"
        size="middle"
        loading={articles.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <Empty description={t('content.kb.noArticles')} /> }}
        columns={[
          {
            title: t('content.kb.articleTitle'),
            dataIndex: 'title',
            render: (value: string) => <Typography.Text strong>{value}</Typography.Text>,
          },
          {
            title: t('content.kb.category'),
            dataIndex: 'categoryId',
            width: 140,
            render: (value: string | null) => (value ? (categories.data?.find((c) => c.id === value)?.name ?? '') : ''),
          },
          {
            title: t('content.kb.status'),
            dataIndex: 'status',
            width: 100,
            render: (value: Status) => <Tag color={value === 'published' ? 'green' : 'default'}>{t(`content.kb.statuses.${value}`)}</Tag>,
          },
          {
            title: t('content.kb.visibility'),
            dataIndex: 'visibility',
            width: 100,
            render: (value: Visibility) => (
              <Tag color={value === 'public' ? 'blue' : 'purple'}>{t(`content.kb.visibilities.${value}`)}</Tag>
            ),
          },
          {
            title: t('content.kb.updated'),
            dataIndex: 'updatedAt',
            width: 150,
            render: (value: string) => dayjs(value).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: t('content.actions'),
            key: 'actions',
            width: 100,
            render: (_, row) => <EditDeleteActions onEdit={() => setEditing(row)} onDelete={() => del.mutate(row.id)} />,
          },
        ]}
      />
      <LoadMore query={articles} />
      {editing && <ArticleEditor editing={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
