import { PlusOutlined } from '@ant-design/icons';
import { TicketFieldType, type TicketField, type TicketForm } from '@huiliu/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminPageTitle, LoadFailed, useWorkspacePath } from '../../admin/content-common';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { labelOf, useTicketFields, useTicketForms } from '../fields-data';
import { optionsText, parseOptions } from '../options-text';

const CHOICES = ['dropdown', 'multiselect', 'cascader'];

interface FieldDraft {
  key: string;
  type: TicketField['type'];
  zh: string;
  en: string;
  options?: string;
  pattern?: string;
  visibleToCustomer?: boolean;
}

/** Admins define custom ticket fields and the forms that order them and say which are required. */
export default function TicketFieldsPage() {
  const { t } = useTranslation();
  return (
    <div>
      <AdminPageTitle title={t('tickets.admin.title')} hint={t('tickets.admin.hint')} />
      <Tabs
        items={[
          { key: 'fields', label: t('tickets.admin.fields'), children: <FieldsTab /> },
          { key: 'forms', label: t('tickets.admin.forms'), children: <FormsTab /> },
        ]}
      />
    </div>
  );
}

function useSaved() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  return {
    onSuccess: () => {
      void message.success(t('tickets.saved'));
      void client.invalidateQueries({ queryKey: ['ticket-fields'] });
      void client.invalidateQueries({ queryKey: ['ticket-forms'] });
    },
    onError: (error: unknown) => void message.error(errorText(t, error)),
  };
}

function FieldsTab() {
  const { t, i18n } = useTranslation();
  const base = useWorkspacePath();
  const fields = useTicketFields();
  const saved = useSaved();
  const [editing, setEditing] = useState<TicketField | 'new' | null>(null);
  const [form] = Form.useForm<FieldDraft>();
  const type = Form.useWatch('type', form);
  const save = useMutation({
    mutationFn: (draft: FieldDraft) => {
      const label = { 'zh-CN': draft.zh, en: draft.en };
      const options = CHOICES.includes(draft.type) ? parseOptions(draft.options ?? '') : undefined;
      const pattern = draft.type === 'regex' ? draft.pattern : undefined;
      return editing === 'new'
        ? api.post(`${base}/ticket-fields`, {
            key: draft.key,
            type: draft.type,
            label,
            options,
            pattern,
            visibleToCustomer: !!draft.visibleToCustomer,
          })
        : api.patch(`${base}/ticket-fields/${(editing as TicketField).id}`, {
            label,
            options,
            pattern,
            visibleToCustomer: !!draft.visibleToCustomer,
          });
    },
    ...saved,
    onSuccess: () => {
      saved.onSuccess();
      setEditing(null);
    },
  });
  const archive = useMutation({
    mutationFn: ({ id, archived }: { id: string; archived: boolean }) => api.patch(`${base}/ticket-fields/${id}`, { archived }),
    ...saved,
  });
  const open = (field: TicketField | 'new') => {
    setEditing(field);
    form.setFieldsValue(
      field === 'new'
        ? { key: '', type: 'text', zh: '', en: '', options: '', pattern: '', visibleToCustomer: false }
        : {
            key: field.key,
            type: field.type,
            zh: field.label['zh-CN'],
            en: field.label.en,
            options: optionsText(field.options),
            pattern: field.pattern ?? '',
            visibleToCustomer: field.visibleToCustomer,
          },
    );
  };
  return (
    <div>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} style={{ marginBottom: 12 }}>
        {t('tickets.admin.addField')}
      </Button>
      {fields.isError && <LoadFailed error={fields.error} onRetry={() => void fields.refetch()} />}
      <Table<TicketField>
        rowKey="id"
        size="middle"
        loading={fields.isPending}
        dataSource={fields.data ?? []}
        pagination={false}
        columns={[
          { title: t('tickets.admin.key'), dataIndex: 'key', render: (value: string) => <Typography.Text code>{value}</Typography.Text> },
          { title: t('tickets.admin.label'), key: 'label', render: (_, row) => labelOf(row.label, i18n.language) },
          { title: t('tickets.admin.type'), dataIndex: 'type', render: (value: string) => t(`tickets.admin.types.${value}`) },
          {
            title: t('tickets.admin.visibility'),
            dataIndex: 'visibleToCustomer',
            render: (value: boolean) => (
              <Tag color={value ? 'blue' : 'default'}>{value ? t('tickets.admin.customer') : t('tickets.admin.internal')}</Tag>
            ),
          },
          {
            title: t('tickets.admin.active'),
            key: 'archived',
            render: (_, row) => (
              <Switch
                checked={!row.archived}
                aria-label={t('tickets.admin.activeFor', { key: row.key })}
                onChange={(active) => archive.mutate({ id: row.id, archived: !active })}
              />
            ),
          },
          {
            title: t('content.actions'),
            key: 'edit',
            render: (_, row) => (
              <Button size="small" onClick={() => open(row)}>
                {t('tickets.admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('tickets.admin.addField') : t('tickets.admin.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((values) => save.mutate(values))}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="key"
            label={t('tickets.admin.key')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/, message: t('tickets.admin.keyHint') }]}
          >
            <Input disabled={editing !== 'new'} placeholder="order_no" />
          </Form.Item>
          <Form.Item name="type" label={t('tickets.admin.type')} rules={[{ required: true }]}>
            <Select
              disabled={editing !== 'new'}
              options={TicketFieldType.options.map((value) => ({ value, label: t(`tickets.admin.types.${value}`) }))}
            />
          </Form.Item>
          <Space.Compact block>
            <Form.Item name="zh" label={t('tickets.admin.labelZh')} rules={[{ required: true, max: 100 }]} style={{ flex: 1 }}>
              <Input placeholder="订单号" />
            </Form.Item>
            <Form.Item name="en" label={t('tickets.admin.labelEn')} rules={[{ required: true, max: 100 }]} style={{ flex: 1 }}>
              <Input placeholder="Order number" />
            </Form.Item>
          </Space.Compact>
          {CHOICES.includes(type) && (
            <Form.Item
              name="options"
              label={t('tickets.admin.options')}
              extra={t('tickets.admin.optionsHint')}
              rules={[{ required: true }]}
            >
              <Input.TextArea
                autoSize={{ minRows: 4, maxRows: 12 }}
                placeholder={type === 'cascader' ? '广东省/深圳市 | 深圳市 | Shenzhen' : '质量问题 | 质量问题 | Quality'}
              />
            </Form.Item>
          )}
          {type === 'regex' && (
            <Form.Item name="pattern" label={t('tickets.admin.pattern')} rules={[{ required: true }]}>
              <Input placeholder="SN\d{8}" />
            </Form.Item>
          )}
          <Form.Item name="visibleToCustomer" label={t('tickets.admin.visibleToCustomer')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

interface FormDraft {
  name: string;
  fieldIds: string[];
  required: string[];
}

function FormsTab() {
  const { t, i18n } = useTranslation();
  const base = useWorkspacePath();
  const fields = useTicketFields();
  const forms = useTicketForms();
  const saved = useSaved();
  const [editing, setEditing] = useState<TicketForm | 'new' | null>(null);
  const [form] = Form.useForm<FormDraft>();
  const chosen = Form.useWatch('fieldIds', form) ?? [];
  const fieldName = (id: string) => {
    const field = fields.data?.find((entry) => entry.id === id);
    return field ? labelOf(field.label, i18n.language) : id;
  };
  const save = useMutation({
    mutationFn: (draft: FormDraft) => {
      const body = {
        name: draft.name,
        fields: draft.fieldIds.map((fieldId) => ({ fieldId, required: (draft.required ?? []).includes(fieldId) })),
      };
      return editing === 'new'
        ? api.post(`${base}/ticket-forms`, body)
        : api.patch(`${base}/ticket-forms/${(editing as TicketForm).id}`, body);
    },
    ...saved,
    onSuccess: () => {
      saved.onSuccess();
      setEditing(null);
    },
  });
  const archive = useMutation({
    mutationFn: ({ id, archived }: { id: string; archived: boolean }) => api.patch(`${base}/ticket-forms/${id}`, { archived }),
    ...saved,
  });
  const open = (entry: TicketForm | 'new') => {
    setEditing(entry);
    form.setFieldsValue(
      entry === 'new'
        ? { name: '', fieldIds: [], required: [] }
        : {
            name: entry.name,
            fieldIds: entry.fields.map((field) => field.fieldId),
            required: entry.fields.filter((field) => field.required).map((field) => field.fieldId),
          },
    );
  };
  return (
    <div>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} style={{ marginBottom: 12 }}>
        {t('tickets.admin.addForm')}
      </Button>
      {forms.isError && <LoadFailed error={forms.error} onRetry={() => void forms.refetch()} />}
      <Table<TicketForm>
        rowKey="id"
        size="middle"
        loading={forms.isPending}
        dataSource={forms.data ?? []}
        pagination={false}
        columns={[
          { title: t('tickets.admin.formName'), dataIndex: 'name' },
          {
            title: t('tickets.admin.fields'),
            key: 'fields',
            render: (_, row) =>
              row.fields.map((field) => (
                <Tag key={field.fieldId} color={field.required ? 'red' : 'default'}>
                  {fieldName(field.fieldId)}
                  {field.required ? ' *' : ''}
                </Tag>
              )),
          },
          {
            title: t('tickets.admin.active'),
            key: 'archived',
            render: (_, row) => (
              <Switch
                checked={!row.archived}
                aria-label={t('tickets.admin.activeFor', { key: row.name })}
                onChange={(active) => archive.mutate({ id: row.id, archived: !active })}
              />
            ),
          },
          {
            title: t('content.actions'),
            key: 'edit',
            render: (_, row) => (
              <Button size="small" onClick={() => open(row)}>
                {t('tickets.admin.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('tickets.admin.addForm') : t('tickets.admin.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((values) => save.mutate(values))}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('tickets.admin.formName')} rules={[{ required: true, max: 100 }]}>
            <Input placeholder={t('tickets.admin.formNamePlaceholder')} />
          </Form.Item>
          <Form.Item name="fieldIds" label={t('tickets.admin.formFields')} extra={t('tickets.admin.formFieldsHint')}>
            <Select
              mode="multiple"
              aria-label={t('tickets.admin.formFields')}
              options={(fields.data ?? [])
                .filter((field) => !field.archived)
                .map((field) => ({ value: field.id, label: labelOf(field.label, i18n.language) }))}
            />
          </Form.Item>
          <Form.Item name="required" label={t('tickets.admin.required')}>
            <Select
              mode="multiple"
              aria-label={t('tickets.admin.required')}
              options={chosen.map((id) => ({ value: id, label: fieldName(id) }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
