import type { Faq, KnowledgeCategory } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import MarkdownIt from 'markdown-it';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, type Page } from '../../lib/api';
import { useWorkspacePath } from '../content-common';

export type Category = z.infer<typeof KnowledgeCategory>;
export type { Faq };

export function useCategories() {
  const base = useWorkspacePath();
  return useQuery({
    queryKey: ['kb-categories', base],
    queryFn: () => api.get<Category[]>(`${base}/knowledge/categories`),
  });
}

/** The value after the user has stopped typing for a moment (search as you type, one request). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function CategorySelect({
  value,
  onChange,
  allowAll,
  style,
  id,
}: {
  value?: string | null;
  onChange?: (value: string | null) => void;
  allowAll?: boolean;
  style?: React.CSSProperties;
  id?: string;
}) {
  const { t } = useTranslation();
  const categories = useCategories();
  // '' stands for "none" (or "all" in a filter): a Select cannot offer null as a choice.
  return (
    <Select
      id={id}
      value={value ?? ''}
      onChange={(next: string) => onChange?.(next || null)}
      loading={categories.isPending}
      style={style}
      aria-label={t('content.kb.category')}
      options={[
        { value: '', label: allowAll ? t('content.kb.allCategories') : t('content.kb.noCategory') },
        ...(categories.data ?? []).map((category) => ({ value: category.id, label: category.name })),
      ]}
    />
  );
}

/** Picks an FAQ by searching its standard and similar questions on the server. */
export function FaqPicker({ value, onChange, id }: { value?: string; onChange?: (id: string) => void; id?: string }) {
  const { t } = useTranslation();
  const base = useWorkspacePath();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const faqs = useQuery({
    queryKey: ['kb-faq-picker', base, q],
    queryFn: () => api.get<Page<Faq>>(`${base}/knowledge/faqs`, { q: q || undefined, limit: 20 }),
  });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      placeholder={t('content.learning.pickFaq')}
      aria-label={t('content.learning.pickFaq')}
      loading={faqs.isFetching}
      notFoundContent={faqs.isFetching ? t('app.loading') : t('content.noMatch')}
      style={{ width: '100%' }}
      options={(faqs.data?.items ?? []).map((faq) => ({ value: faq.id, label: faq.question }))}
    />
  );
}

// Raw HTML off: a preview must show what the help center will (markdown-it also refuses javascript: links).
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

export function MarkdownPreview({ source }: { source: string }) {
  const { t } = useTranslation();
  if (!source.trim()) return <span style={{ color: '#999' }}>{t('content.kb.previewEmpty')}</span>;
  return <div className="kb-markdown" data-testid="markdown-preview" dangerouslySetInnerHTML={{ __html: markdown.render(source) }} />;
}
