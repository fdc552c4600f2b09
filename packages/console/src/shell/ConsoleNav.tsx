import {
  AuditOutlined,
  DashboardOutlined,
  FileTextOutlined,
  InboxOutlined,
  PhoneOutlined,
  ScheduleOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Grid, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useSession } from '../lib/session';
import { canSupervise } from '../supervisor/data';
import '../reviews/locales';

/** The header's page links: everyone has the inbox, tickets, the customer directory, their callbacks and reviews; the wallboard and staffing are for supervisors and admins. */
export function ConsoleNav() {
  const { t } = useTranslation();
  const { role } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // Seven pages do not fit a laptop's header with their names: below 1600 px the others are icons
  // (named by tooltip and aria-label), the current page keeps its name.
  const wide = Grid.useBreakpoint().xxl ?? true;
  const links = [
    { path: '/inbox', label: t('nav.inbox'), icon: <InboxOutlined /> },
    { path: '/tickets', label: t('nav.tickets'), icon: <FileTextOutlined /> },
    { path: '/customers', label: t('nav.customers'), icon: <TeamOutlined /> },
    { path: '/callbacks', label: t('nav.callbacks'), icon: <PhoneOutlined /> },
    // Everyone: reviewers decide there, authors follow their own held replies.
    { path: '/reviews', label: t('reviews.nav'), icon: <AuditOutlined /> },
    ...(canSupervise(role)
      ? [
          { path: '/supervisor', label: t('nav.wallboard'), icon: <DashboardOutlined /> },
          { path: '/staffing', label: t('nav.staffing'), icon: <ScheduleOutlined /> },
        ]
      : []),
  ];
  return (
    <nav aria-label={t('nav.label')} style={{ display: 'flex', gap: 4, marginInlineStart: 8 }}>
      {links.map((link) => {
        const current = pathname.startsWith(link.path);
        const named = wide || current;
        return (
          <Tooltip key={link.path} title={named ? undefined : link.label}>
            <Button
              data-testid={`nav${link.path.replace('/', '-')}`}
              type="text"
              icon={link.icon}
              aria-label={link.label}
              aria-current={current ? 'page' : undefined}
              onClick={() => void navigate(link.path)}
              style={{ color: 'white', background: current ? 'rgba(255,255,255,0.16)' : undefined }}
            >
              {named ? link.label : null}
            </Button>
          </Tooltip>
        );
      })}
    </nav>
  );
}
