import { Skeleton } from 'antd';

/** While a route's code or the session loads. */
export function PageLoading() {
  return (
    <div style={{ padding: 32, maxWidth: 720, margin: '0 auto' }} aria-busy="true">
      <Skeleton active paragraph={{ rows: 6 }} />
    </div>
  );
}
