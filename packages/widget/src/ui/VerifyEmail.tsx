import { useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { t } from '../i18n.js';
import { EMAIL_PATTERN, Field, invalidProps } from './Field.js';

type Step = 'closed' | 'email' | 'code';

/**
 * An address a visitor types is only a claim until they prove it: here they ask for a one-time
 * code to it and type it back. Shown once the server can mail codes; folded to a link until
 * wanted, so it never stands between the visitor and the chat.
 */
export function VerifyEmail({ client, verifiedEmail }: { client: ChatClient; verifiedEmail: string | null }) {
  const [step, setStep] = useState<Step>('closed');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (verifiedEmail && step !== 'code') {
    return (
      <div class="verified" role="status">
        ✓ {t('verifiedAs', { email: verifiedEmail })}
      </div>
    );
  }
  if (step === 'closed') {
    return (
      <button type="button" class="link verify-offer" onClick={() => setStep('email')}>
        {t('verifyOffer')}
      </button>
    );
  }

  const run = async (action: () => Promise<string | null>, next: Step | null) => {
    if (busy) return;
    setBusy(true);
    const failed = await action();
    setBusy(false);
    setProblem(failed);
    if (!failed && next) setStep(next);
  };

  if (step === 'email') {
    return (
      <form
        class="card"
        noValidate
        aria-labelledby="hl-verify-title"
        onSubmit={(event) => {
          event.preventDefault();
          const value = email.trim();
          if (!EMAIL_PATTERN.test(value)) return setProblem(t('emailInvalid'));
          void run(() => client.requestEmailCode(value), 'code');
        }}
      >
        <h3 id="hl-verify-title">{t('verifyTitle')}</h3>
        <p class="hint">{t('verifyHint')}</p>
        <Field id="hl-verify-email" label={t('email')} error={problem ?? undefined}>
          <input
            id="hl-verify-email"
            type="email"
            autoComplete="email"
            maxLength={254}
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
            {...invalidProps('hl-verify-email', problem ?? undefined)}
          />
        </Field>
        <div class="actions">
          <button class="primary" type="submit" disabled={busy}>
            {t('sendCode')}
          </button>
          <button type="button" class="link" onClick={() => setStep('closed')}>
            {t('cancel')}
          </button>
        </div>
      </form>
    );
  }

  return (
    <form
      class="card"
      noValidate
      aria-labelledby="hl-verify-title"
      onSubmit={(event) => {
        event.preventDefault();
        const value = code.replace(/\s/g, '');
        if (!/^[0-9]{6}$/.test(value)) return setProblem(t('codeNeeded'));
        void run(() => client.verifyEmailCode(email.trim(), value), 'closed');
      }}
    >
      <h3 id="hl-verify-title">{t('verifyTitle')}</h3>
      <p class="hint" role="status">
        {t('codeSent', { email: email.trim() })}
      </p>
      <Field id="hl-verify-code" label={t('code')} error={problem ?? undefined}>
        <input
          id="hl-verify-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={8}
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
          {...invalidProps('hl-verify-code', problem ?? undefined)}
        />
      </Field>
      <div class="actions">
        <button class="primary" type="submit" disabled={busy}>
          {t('verify')}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            setCode('');
            setProblem(null);
            setStep('email');
          }}
        >
          {t('changeEmail')}
        </button>
      </div>
    </form>
  );
}
