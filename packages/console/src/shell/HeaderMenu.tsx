import { MenuOutlined } from '@ant-design/icons';
import { Button, Drawer } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { useIsPhone } from './responsive';

/**
 * The header's links and settings: in the header on a desktop; on a phone, where they would
 * push the header off screen, behind a menu button in a drawer (dark like the header, so the
 * same white buttons read the same).
 */
export function HeaderMenu({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  const [openedAt, setOpenedAt] = useState(pathname);
  // A link followed from the drawer closes it.
  if (open && pathname !== openedAt) {
    setOpen(false);
    setOpenedAt(pathname);
  }
  if (!phone) return <>{children}</>;
  return (
    <>
      <Button
        type="text"
        icon={<MenuOutlined />}
        aria-label={t('header.menu')}
        data-testid="header-menu"
        style={{ color: 'white' }}
        onClick={() => {
          setOpenedAt(pathname);
          setOpen(true);
        }}
      />
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        placement="right"
        size={280}
        title={t('header.menu')}
        styles={{ body: { background: '#001529', padding: 16 }, header: { background: '#001529' }, title: { color: 'white' } }}
        closeIcon={<span style={{ color: 'white' }}>✕</span>}
      >
        <div data-testid="header-menu-items" style={{ display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: 12 }}>
          {children}
        </div>
      </Drawer>
    </>
  );
}
