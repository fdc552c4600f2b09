import { BulbOutlined, EnterOutlined } from '@ant-design/icons';
import { App, Alert, Button, Empty, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { insertIntoComposer } from '../conversation/composer-extensions';
import { api } from '../lib/api';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { answerAsText, useSuggestions, type Suggestion } from './suggestions';

/** Agent assist (坐席助手): the knowledge base's best answers to the customer's last message, one click from the composer. */
export function SuggestionsPanel({ conversationId, canReply }: { conversationId: string; canReply: boolean }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const suggestions = useSuggestions(conversationId);

  const use = (item: Suggestion) => {
    insertIntoComposer(conversationId, answerAsText(item.answer));
    // Which answer helped is what the knowledge team learns from; a lost record must not stop the agent.
    api
      .post(`/workspaces/${workspaceId}/conversations/${conversationId}/suggestions/used`, {
        faqId: item.faqId,
        ...(suggestions.data?.query ? { query: suggestions.data.query.slice(0, 2000) } : {}),
      })
      .catch((error: unknown) => void message.warning(errorText(t, error)));
  };

  if (suggestions.isPending) return <Skeleton active style={{ padding: 16 }} paragraph={{ rows: 6 }} />;
  if (suggestions.isError)
    return (
      <Alert
        style={{ margin: 12 }}
        type="error"
        showIcon
        title={t('errors.loadFailed')}
        description={errorText(t, suggestions.error)}
        action={<Button onClick={() => void suggestions.refetch()}>{t('common.retry')}</Button>}
      />
    );
  const { query, suggestions: items, knowledgeBaseEmpty } = suggestions.data;
  return (
    <div style={{ padding: '12px 16px' }} data-testid="suggestions-panel">
      {query && (
        <div style={{ marginBottom: 10 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('composerAssist.forMessage')}
          </Typography.Text>
          <Typography.Paragraph ellipsis={{ rows: 2, tooltip: query }} style={{ margin: 0 }} data-testid="suggestions-query">
            {query}
          </Typography.Paragraph>
        </div>
      )}
      {knowledgeBaseEmpty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('composerAssist.knowledgeEmpty')} />
      ) : !query ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('composerAssist.noQuestion')} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('composerAssist.noMatch')} />
      ) : (
        items.map((item) => (
          <div
            key={item.faqId}
            data-testid="suggestion"
            style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 10, marginBottom: 8, background: '#fafafa' }}
          >
            <div style={{ display: 'flex', alignItems: 'flex-start', gap: 6 }}>
              <BulbOutlined style={{ color: '#faad14', marginTop: 4 }} />
              <Typography.Text strong style={{ flex: 1 }}>
                {item.question}
              </Typography.Text>
              <Tag style={{ marginInlineEnd: 0 }} title={t('composerAssist.confidence')}>
                {Math.round(item.confidence * 100)}%
              </Tag>
            </div>
            <Typography.Paragraph
              type="secondary"
              ellipsis={{ rows: 4, expandable: 'collapsible' }}
              style={{ margin: '6px 0', fontSize: 13, whiteSpace: 'pre-wrap' }}
            >
              {answerAsText(item.answer)}
            </Typography.Paragraph>
            <Button size="small" icon={<EnterOutlined />} disabled={!canReply} onClick={() => use(item)}>
              {t('composerAssist.insert')}
            </Button>
          </div>
        ))
      )}
    </div>
  );
}
