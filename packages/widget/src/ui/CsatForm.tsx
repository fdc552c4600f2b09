import { useRef, useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { t } from '../i18n.js';

const STARS = [1, 2, 3, 4, 5];

/** 1–5 stars and an optional comment once the conversation is resolved (`csat:submit`). */
export function CsatForm({ client }: { client: ChatClient }) {
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const starsRef = useRef<HTMLDivElement>(null);

  /** Arrow keys move between stars, as in any radio group. */
  const choose = (value: number, focus = false) => {
    const next = Math.min(5, Math.max(1, value));
    setRating(next);
    if (focus) starsRef.current?.querySelectorAll('button')[next - 1]?.focus();
  };

  return (
    <form
      class="card"
      aria-labelledby="hl-csat-title"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!rating || busy) return;
        setBusy(true);
        setProblem(await client.rate(rating, comment.trim()));
        setBusy(false);
      }}
    >
      <h3 id="hl-csat-title">{t('csatTitle')}</h3>
      <div class="stars" role="radiogroup" aria-labelledby="hl-csat-title" ref={starsRef}>
        {STARS.map((value) => (
          <button
            type="button"
            key={value}
            class={value <= rating ? 'on' : ''}
            role="radio"
            aria-checked={value === rating}
            aria-label={t('csatStar', { n: value })}
            tabIndex={value === (rating || 1) ? 0 : -1}
            onClick={() => choose(value)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowRight' || event.key === 'ArrowUp') {
                event.preventDefault();
                choose(value + 1, true);
              } else if (event.key === 'ArrowLeft' || event.key === 'ArrowDown') {
                event.preventDefault();
                choose(value - 1, true);
              }
            }}
          >
            ★
          </button>
        ))}
      </div>
      <textarea
        rows={2}
        maxLength={2000}
        aria-label={t('csatComment')}
        placeholder={t('csatComment')}
        onInput={(event) => setComment(event.currentTarget.value)}
      />
      {problem && (
        <div class="field-error" role="alert">
          {problem}
        </div>
      )}
      <button class="primary" type="submit" disabled={!rating || busy}>
        {t('csatSubmit')}
      </button>
    </form>
  );
}
