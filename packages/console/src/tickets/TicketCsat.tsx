import { StarFilled } from '@ant-design/icons';
import { Card, Descriptions, Rate, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TicketDetail } from './data';
import './admin/notifications-locale';

/** The requester's rating from the solved email's link, once they gave it. */
export function TicketCsatCard({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const csat = ticket.csat;
  return (
    <Card size="small" title={t('ticketNotifications.csat.title')} style={{ marginBottom: 16 }} data-testid="ticket-csat">
      {csat ? (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={<StarFilled style={{ color: '#fadb14' }} />}>
            <Rate disabled value={csat.rating} style={{ fontSize: 14 }} />{' '}
            <span data-testid="ticket-csat-rating">{t('ticketNotifications.csat.rating', { rating: csat.rating })}</span>
          </Descriptions.Item>
          {csat.comment && <Descriptions.Item label={t('ticketNotifications.csat.comment')}>{csat.comment}</Descriptions.Item>}
          <Descriptions.Item label={t('ticketNotifications.csat.ratedAt')}>{new Date(csat.ratedAt).toLocaleString()}</Descriptions.Item>
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t('ticketNotifications.csat.none')}</Typography.Text>
      )}
    </Card>
  );
}
