import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { ADMIN_PAGE_STYLE, AdminPageTitle } from '../content-common';
import { ArticlesTab } from './ArticlesTab';
import { CategoriesTab } from './CategoriesTab';
import { FaqsTab } from './FaqsTab';

/** The knowledge base: FAQ entries the bot answers from, help-center articles, their categories. */
export default function KnowledgePage() {
  const { t } = useTranslation();
  return (
    <div style={ADMIN_PAGE_STYLE}>
      <AdminPageTitle title={t('content.kb.title')} hint={t('content.kb.hint')} />
      <Tabs
        destroyOnHidden
        items={[
          { key: 'faqs', label: t('content.kb.faqs'), children: <FaqsTab /> },
          { key: 'articles', label: t('content.kb.articles'), children: <ArticlesTab /> },
          { key: 'categories', label: t('content.kb.categories'), children: <CategoriesTab /> },
        ]}
      />
    </div>
  );
}
