import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * A message left on the widget's form: the agent is told where the reply goes — by email to the
 * address the customer gave, while they are not on the website.
 */
export function LeftMessageNotice({ context }: { context: Record<string, unknown> }) {
  const { t } = useTranslation();
  const left = context.leftMessage as { email?: unknown; phone?: unknown } | undefined;
  if (!left || typeof left !== 'object') return null;
  const email = typeof left.email === 'string' ? left.email : null;
  const phone = typeof left.phone === 'string' ? `: ${left.phone}` : '';
  return (
    <Alert
      type="warning"
      banner
      data-testid="left-message-notice"
      title={email ? t('conversation.leftMessage', { email }) : t('conversation.leftMessageNoEmail', { phone })}
    />
  );
}
