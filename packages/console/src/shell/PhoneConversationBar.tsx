import { ArrowLeftOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Drawer } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { SidePanel } from '../assist/SidePanel';

/**
 * On a phone the conversation takes the whole screen: this bar leads back to the list, and
 * the customer 360 and suggested answers (the desktop's third column) open in a drawer.
 */
export function PhoneConversationBar({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [panel, setPanel] = useState(false);
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        padding: '4px 8px',
        background: 'white',
        borderBottom: '1px solid #f0f0f0',
      }}
    >
      <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate('/inbox')} data-testid="back-to-list">
        {t('header.back')}
      </Button>
      <Button type="text" icon={<UserOutlined />} onClick={() => setPanel(true)} data-testid="open-customer-panel">
        {t('customer.title')}
      </Button>
      <Drawer
        open={panel}
        onClose={() => setPanel(false)}
        placement="right"
        size="100%"
        title={t('customer.title')}
        styles={{ body: { padding: 0, display: 'flex', flexDirection: 'column' } }}
      >
        <SidePanel conversationId={conversationId} />
      </Drawer>
    </div>
  );
}
