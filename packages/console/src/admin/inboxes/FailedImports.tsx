import { DownloadOutlined } from '@ant-design/icons';
import type { FailedImport } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { getAll } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { fileSize } from '../../lib/format';
import { useSession } from '../../lib/session';

type Failed = z.infer<typeof FailedImport>;

/** Mail that could not be imported into this inbox (malformed, no sender, too large): the reason, and the raw message to inspect. */
export function FailedImports({ inboxId }: { inboxId: string }) {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useSession();
  const failed = useQuery({
    queryKey: ['email-failed-imports', workspaceId],
    queryFn: () => getAll<Failed>(`/workspaces/${workspaceId}/email/failed-imports`),
    staleTime: 0,
  });
  if (failed.isError)
    return (
      <Alert
        type="error"
        showIcon
        title={t('errors.loadFailed')}
        description={errorText(t, failed.error)}
        action={<Button onClick={() => void failed.refetch()}>{t('common.retry')}</Button>}
      />
    );
  return (
    <div data-testid="failed-imports">
      <Typography.Paragraph type="secondary">{t('inboxesAdmin.failedHint')}</Typography.Paragraph>
      <Table<Failed>
        rowKey="id"
        size="small"
        loading={failed.isPending}
        dataSource={(failed.data ?? []).filter((item) => item.inboxId === inboxId)}
        locale={{ emptyText: t('inboxesAdmin.failedEmpty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t('inboxesAdmin.when'),
            dataIndex: 'createdAt',
            width: 170,
            render: (value: string) => new Date(value).toLocaleString(i18n.language),
          },
          {
            title: t('inboxesAdmin.reason'),
            dataIndex: 'reason',
            render: (reason: string) => <Typography.Text type="danger">{reason}</Typography.Text>,
          },
          {
            title: t('inboxesAdmin.mail'),
            key: 'mail',
            render: (_, item) => (
              <>
                <div>{item.subject ?? t('email.noSubject')}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {item.from ?? '—'} · {fileSize(item.size)}
                </Typography.Text>
              </>
            ),
          },
          {
            title: '',
            key: 'raw',
            width: 110,
            render: (_, item) => (
              <a href={`/api/v1/workspaces/${workspaceId}/email/failed-imports/${item.id}/raw`} download>
                <DownloadOutlined /> {t('inboxesAdmin.raw')}
              </a>
            ),
          },
        ]}
      />
    </div>
  );
}
