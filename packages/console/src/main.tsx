import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './lib/api';
import './lib/i18n';
import { PageLoading } from './shell/PageLoading';
import { RequireSession } from './shell/RequireSession';

// Routes are code-split: the login page does not load the inbox, and the other way round.
const LoginPage = lazy(() => import('./pages/LoginPage'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('./pages/ResetPasswordPage'));
const AcceptInvitePage = lazy(() => import('./pages/AcceptInvitePage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const Workspace = lazy(() => import('./shell/Workspace'));
const AdminLayout = lazy(() => import('./admin/AdminLayout'));
const SupervisorPage = lazy(() => import('./supervisor/SupervisorPage'));
const StaffingPage = lazy(() => import('./staffing/StaffingPage'));
const TicketsPage = lazy(() => import('./tickets/TicketsPage'));
const TicketMacrosRoute = lazy(() => import('./tickets/macros/TicketMacrosRoute'));
const CustomerDirectory = lazy(() => import('./customer/CustomerDirectory'));
const CallbacksPage = lazy(() => import('./callbacks/CallbacksPage'));
const ReviewQueuePage = lazy(() => import('./reviews/ReviewQueuePage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

function Root() {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  dayjs.locale(english ? 'en' : 'zh-cn');
  return (
    <ConfigProvider
      locale={english ? enUS : zhCN}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}
    >
      <AntApp style={{ height: '100%' }}>
        <BrowserRouter>
          <Suspense fallback={<PageLoading />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/forgot-password" element={<ForgotPasswordPage />} />
              <Route path="/reset-password" element={<ResetPasswordPage />} />
              <Route path="/invites/:token" element={<AcceptInvitePage />} />
              {/* The server's invite links (mailed and shown to the admin) read /invite/<token>. */}
              <Route path="/invite/:token" element={<AcceptInvitePage />} />
              <Route path="/" element={<Navigate to="/inbox" replace />} />
              <Route
                path="/inbox/:conversationId?"
                element={
                  <RequireSession>
                    <Workspace />
                  </RequireSession>
                }
              />
              <Route
                path="/admin/*"
                element={
                  <RequireSession>
                    <AdminLayout />
                  </RequireSession>
                }
              />
              <Route
                path="/tickets/macros"
                element={
                  <RequireSession>
                    <TicketMacrosRoute />
                  </RequireSession>
                }
              />
              <Route
                path="/tickets/:ticketId?"
                element={
                  <RequireSession>
                    <TicketsPage />
                  </RequireSession>
                }
              />
              <Route
                path="/customers"
                element={
                  <RequireSession>
                    <CustomerDirectory />
                  </RequireSession>
                }
              />
              <Route
                path="/callbacks"
                element={
                  <RequireSession>
                    <CallbacksPage />
                  </RequireSession>
                }
              />
              <Route
                path="/reviews"
                element={
                  <RequireSession>
                    <ReviewQueuePage />
                  </RequireSession>
                }
              />
              <Route
                path="/supervisor"
                element={
                  <RequireSession>
                    <SupervisorPage />
                  </RequireSession>
                }
              />
              <Route
                path="/staffing"
                element={
                  <RequireSession>
                    <StaffingPage />
                  </RequireSession>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Root />
    </QueryClientProvider>
  </StrictMode>,
);
