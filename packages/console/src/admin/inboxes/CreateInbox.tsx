import type { WechatInbox } from '@huiliu/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Input, Modal, Radio, Select } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, type InboxView } from '../../lib/api';
import { useChannelKinds, type ChannelKind } from '../../lib/channel-kinds';
import { errorText } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { inboxKeys } from './hooks';

/** The kinds an admin creates here, in this order; a kind the server lacks is not offered. */
const CREATABLE: ChannelKind[] = ['widget', 'email', 'wechat', 'wecom'];

interface Values {
  kind: 'widget' | 'email' | 'wechat' | 'wecom';
  name: string;
  appId?: string;
  appSecret?: string;
  token?: string;
  encodingAESKey?: string;
  openKfid?: string;
  mode?: 'plain' | 'compatible' | 'safe';
}

/** A new inbox: web chat and email with their defaults; WeChat OA and WeCom with the credentials from the WeChat admin page. */
export function CreateInbox({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (inbox: InboxView) => void }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const kinds = useChannelKinds();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? 'widget';
  // The created inbox is handed on only once the dialog has finished closing: a drawer opened
  // while the dialog is still animating out loses the keyboard focus to it, and Escape then
  // closes nothing.
  const justCreated = useRef<InboxView | null>(null);
  const create = useMutation({
    mutationFn: async (values: Values): Promise<InboxView> => {
      if (values.kind === 'wechat' || values.kind === 'wecom') {
        const created = await api.post<z.infer<typeof WechatInbox>>(`/workspaces/${workspaceId}/wechat-inboxes`, {
          kind: values.kind,
          name: values.name,
          appId: values.appId?.trim(),
          appSecret: values.appSecret?.trim(),
          token: values.token?.trim(),
          encodingAESKey: values.encodingAESKey?.trim(),
          ...(values.kind === 'wecom' ? { openKfid: values.openKfid?.trim() } : { mode: values.mode ?? 'safe' }),
        });
        return created.inbox;
      }
      return api.post<InboxView>(`/workspaces/${workspaceId}/inboxes`, { kind: values.kind, name: values.name, settings: {} });
    },
    onSuccess: (inbox) => {
      void client.invalidateQueries({ queryKey: inboxKeys.list(workspaceId) });
      form.resetFields();
      justCreated.current = inbox;
      onClose();
    },
  });
  const offered = CREATABLE.filter((value) => kinds.data?.includes(value));
  const wechatLike = kind === 'wechat' || kind === 'wecom';
  return (
    <Modal
      open={open}
      title={t('inboxesAdmin.create')}
      okText={t('inboxesAdmin.createOk')}
      confirmLoading={create.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      afterClose={() => {
        const inbox = justCreated.current;
        justCreated.current = null;
        if (inbox) onCreated(inbox);
      }}
      afterOpenChange={(opened) => opened && create.reset()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'widget', name: '', mode: 'safe' }}
        onFinish={(values) => create.mutate(values)}
        autoComplete="off"
      >
        <Form.Item name="kind" label={t('inboxesAdmin.kind')}>
          <Radio.Group optionType="button" options={offered.map((value) => ({ value, label: t(`channels.${value}`) }))} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('inboxesAdmin.name')}
          rules={[{ required: true, whitespace: true, message: t('inboxesAdmin.nameRequired') }]}
        >
          <Input maxLength={100} placeholder={t('inboxesAdmin.namePlaceholder')} />
        </Form.Item>
        {wechatLike && (
          <>
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={t(kind === 'wecom' ? 'inboxesAdmin.wecomHint' : 'inboxesAdmin.wechatHint')}
            />
            <Form.Item
              name="appId"
              label={kind === 'wecom' ? t('wechat.panel.corpId') : t('wechat.panel.appId')}
              rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{4,64}$/, message: t('wechat.panel.appIdInvalid') }]}
            >
              <Input />
            </Form.Item>
            <Form.Item
              name="appSecret"
              label={kind === 'wecom' ? t('wechat.panel.kfSecret') : t('wechat.panel.appSecret')}
              rules={[{ required: true, min: 8, max: 128, message: t('wechat.panel.secretInvalid') }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              name="token"
              label="Token"
              rules={[{ required: true, pattern: /^[A-Za-z0-9]{3,32}$/, message: t('wechat.panel.tokenInvalid') }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              name="encodingAESKey"
              label="EncodingAESKey"
              rules={[{ required: true, pattern: /^[A-Za-z0-9]{43}$/, message: t('wechat.panel.aesKeyInvalid') }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            {kind === 'wecom' ? (
              <Form.Item
                name="openKfid"
                label={t('wechat.panel.openKfid')}
                rules={[{ required: true, message: t('wechat.panel.openKfidRequired') }]}
              >
                <Input />
              </Form.Item>
            ) : (
              <Form.Item name="mode" label={t('wechat.panel.mode')} extra={t('wechat.panel.modeHint')}>
                <Select
                  options={(['plain', 'compatible', 'safe'] as const).map((mode) => ({
                    value: mode,
                    label: t(`wechat.panel.modes.${mode}`),
                  }))}
                />
              </Form.Item>
            )}
          </>
        )}
        {create.isError && <Alert type="error" showIcon title={errorText(t, create.error)} />}
      </Form>
    </Modal>
  );
}
