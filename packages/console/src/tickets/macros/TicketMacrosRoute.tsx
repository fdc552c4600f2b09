import { Layout } from 'antd';
import { Header } from '../../shell/Header';
import MacrosPage from './MacrosPage';

/** `/tickets/macros`: the macros page for every agent (their own macros), beside the ticket list. */
export default function TicketMacrosRoute() {
  return (
    <Layout style={{ height: '100%' }}>
      <Header />
      <Layout.Content style={{ overflow: 'auto', background: '#fff' }}>
        <MacrosPage />
      </Layout.Content>
    </Layout>
  );
}
