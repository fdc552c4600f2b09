import { useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { t } from '../i18n.js';

/** Before a chat starts: search the help center's articles; results open in a new tab. */
export function ArticleSearch({ client }: { client: ChatClient }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ id: string; title: string; url: string }[] | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="articles">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const text = query.trim();
          if (!text || busy) return;
          setBusy(true);
          client
            .searchArticles(text)
            .then(setResults, () => setResults([]))
            .finally(() => setBusy(false));
        }}
      >
        <input
          type="search"
          value={query}
          maxLength={200}
          placeholder={t('searchArticles')}
          aria-label={t('searchArticles')}
          onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
        />
        <button type="submit" class="link" disabled={busy || !query.trim()}>
          {t('search')}
        </button>
      </form>
      {results && results.length === 0 && <p class="hint">{t('noArticles')}</p>}
      {results && results.length > 0 && (
        <ul>
          {results.map((article) => (
            <li key={article.id}>
              <a href={article.url} target="_blank" rel="noopener noreferrer">
                {article.title}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
