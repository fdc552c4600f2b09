import {
  ApartmentOutlined,
  AuditOutlined,
  BranchesOutlined,
  BuildOutlined,
  CalendarOutlined,
  FieldTimeOutlined,
  FormOutlined,
  PhoneOutlined,
  SafetyCertificateOutlined,
  KeyOutlined,
  MailOutlined,
  SettingOutlined,
  TeamOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { Role } from '../lib/api';
import { contentPages } from './content-pages';
import './calendars/locales';
import '../sla/locales';
import '../automations/locales';
import '../reviews/locales';
import '../tickets/admin/notifications-locale';
import '../tickets/views-macros-locale';
import { inboxPages } from './inbox-pages';

/**
 * One entry per admin page. The side menu, the routes under `/admin/` and the role check are all
 * made from this list, so adding a page means appending one entry (and its labelKey in both locales).
 * `roles`: who sees the page in the menu and may open it; the server still checks every request,
 * so a role that may only read (a supervisor on the workspace settings) gets a read-only page.
 */
export interface AdminPageEntry {
  /** Stable id, used as the menu key and `data-testid="admin-menu-<key>"`. */
  key: string;
  /** Under `/admin/`, without a leading slash. */
  path: string;
  /** i18n key of the menu label and page title. */
  labelKey: string;
  icon: ReactNode;
  roles: readonly Role[];
  component: LazyExoticComponent<ComponentType>;
}

export const adminPages: AdminPageEntry[] = [
  {
    key: 'users',
    path: 'users',
    labelKey: 'admin.menu.users',
    icon: <TeamOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./UsersPage')),
  },
  {
    key: 'teams',
    path: 'teams',
    labelKey: 'admin.menu.teams',
    icon: <ApartmentOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./TeamsPage')),
  },
  {
    key: 'routing-rules',
    path: 'routing-rules',
    labelKey: 'admin.menu.routingRules',
    icon: <BranchesOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./RoutingRulesPage')),
  },
  {
    key: 'calendars',
    path: 'calendars',
    labelKey: 'calendars.menu',
    icon: <CalendarOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./calendars/CalendarsPage')),
  },
  {
    key: 'sla-policies',
    path: 'sla-policies',
    labelKey: 'sla.admin.menu',
    icon: <FieldTimeOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./sla/SlaPoliciesPage')),
  },
  {
    key: 'workspace',
    path: 'workspace',
    labelKey: 'admin.menu.workspace',
    icon: <SettingOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./WorkspacePage')),
  },
  {
    key: 'api-tokens',
    path: 'api-tokens',
    labelKey: 'admin.menu.apiTokens',
    icon: <KeyOutlined />,
    roles: ['admin'],
    component: lazy(() => import('./ApiTokensPage')),
  },
  {
    key: 'audit-log',
    path: 'audit-log',
    labelKey: 'admin.menu.auditLog',
    icon: <AuditOutlined />,
    roles: ['admin'],
    component: lazy(() => import('./AuditLogPage')),
  },
  {
    key: 'ticket-fields',
    path: 'ticket-fields',
    labelKey: 'tickets.admin.menu',
    icon: <FormOutlined />,
    roles: ['admin'],
    component: lazy(() => import('../tickets/admin/TicketFieldsPage')),
  },
  {
    key: 'ticket-notifications',
    path: 'ticket-notifications',
    labelKey: 'ticketNotifications.menu',
    icon: <MailOutlined />,
    roles: ['admin'],
    component: lazy(() => import('../tickets/admin/TicketNotificationsPage')),
  },
  {
    key: 'macros',
    path: 'macros',
    labelKey: 'ticketViews.macros.menu',
    icon: <BuildOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('../tickets/macros/MacrosPage')),
  },
  {
    key: 'automations',
    path: 'automations',
    labelKey: 'automations.menu',
    icon: <ThunderboltOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('../automations/AutomationsPage')),
  },
  {
    key: 'callback-settings',
    path: 'callback-settings',
    labelKey: 'callbacks.settings.menu',
    icon: <PhoneOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('../callbacks/CallbackSettingsPage')),
  },
  {
    key: 'review-policies',
    path: 'review-policies',
    labelKey: 'reviews.admin.menu',
    icon: <SafetyCertificateOutlined />,
    roles: ['admin'],
    component: lazy(() => import('../reviews/ReviewPoliciesPage')),
  },
  ...inboxPages,
  ...contentPages,
  // More admin pages (canned responses, dispositions, knowledge base, bot, inboxes…): append here.
];

/** The pages a role may open, in menu order. */
export function pagesFor(role: Role): AdminPageEntry[] {
  return adminPages.filter((entry) => entry.roles.includes(role));
}
