import { InboxOutlined } from '@ant-design/icons';
import { lazy } from 'react';

/** The inboxes admin page, for the admin registry (`admin/pages.tsx`) to include. */
export const inboxPages = [
  {
    key: 'inboxes',
    path: 'inboxes',
    labelKey: 'inboxesAdmin.title',
    icon: <InboxOutlined />,
    roles: ['admin'] as const,
    component: lazy(() => import('./inboxes/InboxesPage')),
  },
];
