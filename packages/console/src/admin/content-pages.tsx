import { BarChartOutlined, BookOutlined, BulbOutlined, MessageOutlined, RobotOutlined, TagsOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AdminPageEntry } from './pages';
import './content-locales';

// Who may manage each thing is the server's permission table (canned.manage, dispositions.manage, knowledge.manage).
const MANAGERS = ['admin', 'supervisor'] as const;

/** The content admin pages (issues 5 and 6), in the shape of the admin page registry. */
export const contentPages: AdminPageEntry[] = [
  {
    key: 'canned',
    path: 'canned',
    labelKey: 'content.menu.canned',
    icon: <MessageOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./CannedResponsesPage')),
  },
  {
    key: 'dispositions',
    path: 'dispositions',
    labelKey: 'content.menu.dispositions',
    icon: <TagsOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./DispositionsPage')),
  },
  {
    key: 'knowledge',
    path: 'knowledge',
    labelKey: 'content.menu.knowledge',
    icon: <BookOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./knowledge/KnowledgePage')),
  },
  {
    key: 'learning',
    path: 'learning',
    labelKey: 'content.menu.learning',
    icon: <BulbOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./knowledge/LearningPage')),
  },
  {
    key: 'bot',
    path: 'bot',
    labelKey: 'content.menu.bot',
    icon: <RobotOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./bot/BotSettingsPage')),
  },
  {
    key: 'bot-metrics',
    path: 'bot-metrics',
    labelKey: 'content.menu.botMetrics',
    icon: <BarChartOutlined />,
    roles: MANAGERS,
    component: lazy(() => import('./bot/BotMetricsPage')),
  },
];
