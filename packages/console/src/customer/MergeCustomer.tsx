import { MergeCellsOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Modal, Select, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Customer, type Page } from '../lib/api';
import { errorText } from '../lib/errors';
import { keys } from '../lib/live';
import { useSession } from '../lib/session';

/** Mirrors the `customers.merge` permission (admins and supervisors), to hide what the server would refuse. */
export function canMerge(role: string): boolean {
  return role === 'admin' || role === 'supervisor';
}

function describe(customer: Customer, anonymous: string): string {
  const identities = customer.identities
    .filter((identity) => identity.kind !== 'visitor')
    .map((identity) => identity.value)
    .slice(0, 2);
  return [customer.name ?? anonymous, ...identities].join(' · ');
}

/**
 * Merge another customer into this one (the same person who wrote from another channel or
 * browser): their identities, conversations and history move here. It cannot be undone, so the
 * dialog names what disappears and asks once more.
 */
export function MergeCustomer({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const client = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  // Kept whole: the search list changes (or empties) once the choice is made.
  const [source, setSource] = useState<Customer | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);

  const found = useQuery({
    queryKey: ['customer-search', workspaceId, search],
    queryFn: () => api.get<Page<Customer>>(`/workspaces/${workspaceId}/customers`, { q: search, limit: 10 }),
    enabled: open && search.length > 0,
  });
  const candidates = (found.data?.items ?? []).filter((item) => item.id !== customer.id);

  const merge = useMutation({
    mutationFn: (id: string) =>
      api.post<Customer>(`/workspaces/${workspaceId}/customers/${customer.id}/merge`, { sourceCustomerId: id, confirm: true }),
    onSuccess: (merged) => {
      client.setQueryData(keys.customer(workspaceId, merged.id), merged);
      void client.invalidateQueries({ queryKey: keys.customerConversations(workspaceId, merged.id) });
      void client.invalidateQueries({ queryKey: keys.lists(workspaceId) });
      void client.invalidateQueries({ queryKey: ['customer-search', workspaceId] });
      void message.success(t('composerAssist.merged'));
      close();
    },
    onError: (error) => void message.error(errorText(t, error)),
  });

  const close = () => {
    setOpen(false);
    setTyped('');
    setSearch('');
    setSource(null);
  };

  const anonymous = t('customer.anonymous');
  return (
    <>
      <Button size="small" icon={<MergeCellsOutlined />} onClick={() => setOpen(true)}>
        {t('composerAssist.merge')}
      </Button>
      <Modal
        open={open}
        title={t('composerAssist.mergeTitle', { name: customer.name ?? anonymous })}
        onCancel={close}
        okText={t('composerAssist.mergeConfirm')}
        okButtonProps={{ danger: true, disabled: !source }}
        confirmLoading={merge.isPending}
        onOk={() => source && merge.mutate(source.id)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('composerAssist.mergeHint')}</Typography.Paragraph>
        <Select
          showSearch={{ filterOption: false, onSearch: setTyped, searchValue: typed }}
          aria-label={t('composerAssist.mergeSearch')}
          placeholder={t('composerAssist.mergeSearch')}
          style={{ width: '100%' }}
          value={source?.id ?? null}
          onChange={(id: string) => setSource(candidates.find((item) => item.id === id) ?? null)}
          notFoundContent={
            found.isFetching ? <Spin size="small" /> : search ? t('composerAssist.mergeNone') : t('composerAssist.mergeType')
          }
          options={(source && !candidates.some((item) => item.id === source.id) ? [source, ...candidates] : candidates).map((item) => ({
            value: item.id,
            label: describe(item, anonymous),
          }))}
        />
        {source && (
          <Alert
            style={{ marginTop: 12 }}
            type="warning"
            showIcon
            title={t('composerAssist.mergeWarning', {
              source: describe(source, anonymous),
              target: customer.name ?? anonymous,
              identities: source.identities.length,
            })}
          />
        )}
      </Modal>
    </>
  );
}
