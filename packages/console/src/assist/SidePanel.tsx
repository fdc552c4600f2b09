import { Badge, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConversation } from '../conversation/ConversationPane';
import { CustomerPanel } from '../customer/CustomerPanel';
import { SuggestionsPanel } from './SuggestionsPanel';
import { useSuggestions } from './suggestions';
import { useIsPhone } from '../shell/responsive';

type Tab = 'customer' | 'suggestions';

/** The column beside the conversation: the customer 360 (shown first: screen pop) and the suggested answers. */
export function SidePanel({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('customer');
  const phone = useIsPhone();
  const conversation = useConversation(conversationId);
  const suggestions = useSuggestions(conversationId);
  const count = suggestions.data?.suggestions.length ?? 0;
  return (
    <aside
      style={{
        width: phone ? '100%' : 320,
        flex: phone ? '1 1 auto' : '0 0 320px',
        borderLeft: phone ? undefined : '1px solid #f0f0f0',
        background: 'white',
        display: 'flex',
        flexDirection: 'column',
        minHeight: 0,
      }}
    >
      <Tabs
        size="small"
        activeKey={tab}
        onChange={(key) => setTab(key as Tab)}
        tabBarStyle={{ margin: 0, padding: '0 16px' }}
        items={[
          { key: 'customer', label: t('customer.title') },
          {
            key: 'suggestions',
            label: (
              <span data-testid="suggestions-tab">
                {t('composerAssist.suggestions')} <Badge count={count} size="small" color={tab === 'suggestions' ? '#bfbfbf' : '#1677ff'} />
              </span>
            ),
          },
        ]}
      />
      <div style={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
        {tab === 'customer' ? (
          <CustomerPanel conversationId={conversationId} />
        ) : (
          <SuggestionsPanel conversationId={conversationId} canReply={conversation.data?.state !== 'resolved'} />
        )}
      </div>
    </aside>
  );
}
