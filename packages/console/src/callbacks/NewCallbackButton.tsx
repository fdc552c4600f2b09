import { PhoneOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { CHANNELS, callbackKeys, type CallbackTask } from './data';

interface Values {
  reason: string;
  channel: CallbackTask['channel'];
  dueInMinutes: number;
}

/** Creates a callback task for a customer (from a conversation's customer panel or the customer 360); it is the creator's. */
export function NewCallbackButton({ customerId, conversationId }: { customerId: string; conversationId?: string }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const create = useMutation({
    mutationFn: (values: Values) =>
      api.post<CallbackTask>(`/workspaces/${workspaceId}/callback-tasks`, {
        ...values,
        customerId,
        ...(conversationId ? { conversationId } : {}),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: callbackKeys.all(workspaceId) });
      void message.success(t('callbacks.created'));
      setOpen(false);
      form.resetFields();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  return (
    <>
      <Button size="small" icon={<PhoneOutlined />} onClick={() => setOpen(true)} data-testid="new-callback">
        {t('callbacks.create')}
      </Button>
      <Modal
        open={open}
        title={t('callbacks.createTitle')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ channel: 'phone', dueInMinutes: 60 }}
          onFinish={(values) => create.mutate(values)}
        >
          <Form.Item name="reason" label={t('callbacks.reason')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} />
          </Form.Item>
          <Form.Item name="channel" label={t('callbacks.channel')}>
            <Select options={CHANNELS.map((value) => ({ value, label: t(`callbacks.channels.${value}`) }))} />
          </Form.Item>
          <Form.Item name="dueInMinutes" label={t('callbacks.dueMinutes')}>
            <InputNumber min={0} max={525600} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
