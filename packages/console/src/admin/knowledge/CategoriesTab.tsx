import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Form, Input, InputNumber, Modal, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { EditDeleteActions, LoadFailed, remove, useWorkspacePath } from '../content-common';
import { useCategories, type Category } from './shared';

interface CategoryForm {
  name: string;
  description: string;
  position: number;
}

export function CategoriesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const categories = useCategories();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [form] = Form.useForm<CategoryForm>();
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const refresh = () => void client.invalidateQueries({ queryKey: ['kb-categories'] });
  const save = useMutation({
    mutationFn: (values: CategoryForm) =>
      editing === 'new' || !editing
        ? api.post<Category>(`${base}/knowledge/categories`, values)
        : api.patch<Category>(`${base}/knowledge/categories/${editing.id}`, values),
    onSuccess: () => {
      void message.success(t('content.saved'));
      setEditing(null);
      refresh();
    },
    onError,
  });
  const del = useMutation({
    mutationFn: (id: string) => remove(`${base}/knowledge/categories/${id}`),
    onSuccess: () => {
      void message.success(t('content.deleted'));
      refresh();
      void client.invalidateQueries({ queryKey: ['kb-faqs'] });
      void client.invalidateQueries({ queryKey: ['kb-articles'] });
    },
    onError,
  });
  return (
    <div>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('content.kb.newCategory')}
        </Button>
      </Space>
      {categories.isError && <LoadFailed error={categories.error} onRetry={() => void categories.refetch()} />}
      <Table<Category>
        rowKey="id"
        size="middle"
        loading={categories.isPending}
        dataSource={categories.data ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('content.kb.noCategories')} /> }}
        columns={[
          { title: t('content.kb.categoryName'), dataIndex: 'name', width: 200 },
          { title: t('content.kb.description'), dataIndex: 'description' },
          { title: t('content.kb.position'), dataIndex: 'position', width: 90 },
          {
            title: t('content.actions'),
            key: 'actions',
            width: 100,
            render: (_, row) => (
              <EditDeleteActions
                onEdit={() => setEditing(row)}
                onDelete={() => del.mutate(row.id)}
                confirm={t('content.kb.confirmDeleteCategory')}
              />
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('content.kb.newCategory') : t('content.kb.editCategory')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        confirmLoading={save.isPending}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={
            editing && editing !== 'new'
              ? { name: editing.name, description: editing.description, position: editing.position }
              : { name: '', description: '', position: 100 }
          }
          onFinish={(values) => save.mutate(values)}
        >
          <Form.Item
            name="name"
            label={t('content.kb.categoryName')}
            rules={[{ required: true, whitespace: true, message: t('content.required') }, { max: 100 }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t('content.kb.description')}>
            <Input.TextArea maxLength={1000} autoSize={{ minRows: 2 }} />
          </Form.Item>
          <Form.Item name="position" label={t('content.kb.position')} extra={t('content.kb.positionHint')}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
