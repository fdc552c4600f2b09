import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import type { FaqImportResult } from '@huiliu/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Dropdown, Input, Modal, Radio, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { useWorkspacePath } from '../content-common';

type ImportResult = z.infer<typeof FaqImportResult>;
type Format = 'csv' | 'json';

// The server takes up to 5 MB of text (FaqImportRequest).
const MAX_CHARS = 5_000_000;

/** FAQ import (CSV / JSON, bad rows reported, good rows kept) and export. */
export function ImportExport() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const base = useWorkspacePath();
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<Format>('csv');
  const [content, setContent] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [createCategories, setCreateCategories] = useState(true);
  const [result, setResult] = useState<ImportResult | null>(null);
  const run = useMutation({
    mutationFn: () => api.post<ImportResult>(`${base}/knowledge/faqs/import`, { format, content, createCategories }),
    onSuccess: (answer) => {
      setResult(answer);
      void client.invalidateQueries({ queryKey: ['kb-faqs'] });
      void client.invalidateQueries({ queryKey: ['kb-categories'] });
      void client.invalidateQueries({ queryKey: ['kb-faq-picker'] });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const close = () => {
    setOpen(false);
    setResult(null);
    setContent('');
    setFileName(null);
  };
  const readFile = async (file: File) => {
    if (file.size > MAX_CHARS) {
      void message.error(t('content.kb.import.tooBig'));
      return;
    }
    const text = await file.text();
    setContent(text.replace(/^\uFEFF/, ''));
    setFileName(file.name);
    setResult(null);
    if (/\.json$/i.test(file.name)) setFormat('json');
    else if (/\.(csv|txt)$/i.test(file.name)) setFormat('csv');
  };
  const exportUrl = (as: Format) => `/api/v1${base}/knowledge/faqs/export?format=${as}`;
  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)}>
        {t('content.kb.import.button')}
      </Button>
      <Dropdown
        menu={{
          items: (['csv', 'json'] as const).map((as) => ({
            key: as,
            label: (
              <a href={exportUrl(as)} download={`faqs.${as}`}>
                {as.toUpperCase()}
              </a>
            ),
          })),
        }}
      >
        <Button icon={<DownloadOutlined />}>{t('content.kb.export')}</Button>
      </Dropdown>
      <Modal
        open={open}
        title={t('content.kb.import.title')}
        onCancel={close}
        width={720}
        destroyOnHidden
        footer={
          result ? (
            <Button type="primary" onClick={close}>
              {t('common.close')}
            </Button>
          ) : (
            <Space>
              <Button onClick={close}>{t('common.cancel')}</Button>
              <Button type="primary" disabled={!content.trim()} loading={run.isPending} onClick={() => run.mutate()}>
                {t('content.kb.import.run')}
              </Button>
            </Space>
          )
        }
      >
        {!result ? (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('content.kb.import.hint')}
            </Typography.Paragraph>
            <Typography.Text code style={{ whiteSpace: 'pre-wrap', display: 'block' }}>
              {'标准问,相似问,答案,分类\n怎么退货？,如何退货|退货流程,在订单页点“申请退货”。,售后'}
            </Typography.Text>
            <Radio.Group value={format} onChange={(event) => setFormat(event.target.value as Format)} optionType="button">
              <Radio value="csv">CSV</Radio>
              <Radio value="json">JSON</Radio>
            </Radio.Group>
            <Upload
              accept=".csv,.json,.txt"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(file) => {
                void readFile(file);
                // Read in the browser and sent as text: nothing is uploaded as a file.
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="faq-import-file">
                {fileName ?? t('content.kb.import.chooseFile')}
              </Button>
            </Upload>
            <Input.TextArea
              aria-label={t('content.kb.import.paste')}
              placeholder={t('content.kb.import.paste')}
              value={content}
              onChange={(event) => {
                setContent(event.target.value);
                setFileName(null);
              }}
              autoSize={{ minRows: 5, maxRows: 12 }}
            />
            <Checkbox checked={createCategories} onChange={(event) => setCreateCategories(event.target.checked)}>
              {t('content.kb.import.createCategories')}
            </Checkbox>
          </Space>
        ) : (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="faq-import-result">
            <Alert
              type={result.errors.length ? 'warning' : 'success'}
              showIcon
              title={t('content.kb.import.summary', { created: result.created, updated: result.updated, refused: result.errors.length })}
              description={result.errors.length ? t('content.kb.import.keptHint') : undefined}
            />
            {result.errors.length > 0 && (
              <Table
                size="small"
                rowKey={(row) => `${row.row}-${row.reason}`}
                dataSource={result.errors}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                columns={[
                  { title: t('content.kb.import.row'), dataIndex: 'row', width: 90 },
                  { title: t('content.kb.import.reason'), dataIndex: 'reason' },
                ]}
              />
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}
