import { useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { formatOpening } from '../format.js';
import { t } from '../i18n.js';
import { EMAIL_PATTERN, Field, invalidProps } from './Field.js';

type Values = { name: string; email: string; phone: string; text: string };
type Errors = Partial<Record<keyof Values | 'form', string>>;

/** No agent online: the inbox's offline note and a form to leave a message (`offline:submit`). */
export function OfflineForm({ client, note, opensAt }: { client: ChatClient; note: string; opensAt: string | null }) {
  const [values, setValues] = useState<Values>({ name: '', email: '', phone: '', text: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const set = (key: keyof Values) => (event: { currentTarget: { value: string } }) =>
    setValues({ ...values, [key]: event.currentTarget.value });

  const validate = (): Errors => {
    const found: Errors = {};
    const email = values.email.trim();
    if (!email && !values.phone.trim()) found.email = t('contactNeeded');
    else if (email && !EMAIL_PATTERN.test(email)) found.email = t('emailInvalid');
    if (!values.text.trim()) found.text = t('messageNeeded');
    return found;
  };

  return (
    <form
      class="card"
      noValidate
      aria-labelledby="hl-offline-title"
      onSubmit={async (event) => {
        event.preventDefault();
        const found = validate();
        setErrors(found);
        if (Object.keys(found).length > 0 || busy) return;
        setBusy(true);
        const name = values.name.trim();
        const email = values.email.trim();
        const phone = values.phone.trim();
        const problem = await client.leaveMessage({
          text: values.text.trim(),
          ...(name ? { name } : {}),
          ...(email ? { email } : {}),
          ...(phone ? { phone } : {}),
        });
        setBusy(false);
        if (problem) setErrors({ form: problem });
      }}
    >
      <h3 id="hl-offline-title">{t('offlineTitle')}</h3>
      <p class="note">{note}</p>
      {opensAt && formatOpening(opensAt) && <p class="note opens">{t('opensAt', { time: formatOpening(opensAt) })}</p>}
      <Field id="hl-offline-name" label={t('name')}>
        <input id="hl-offline-name" autoComplete="name" maxLength={100} onInput={set('name')} />
      </Field>
      <Field id="hl-offline-email" label={t('email')} error={errors.email}>
        <input
          id="hl-offline-email"
          type="email"
          autoComplete="email"
          maxLength={254}
          onInput={set('email')}
          {...invalidProps('hl-offline-email', errors.email)}
        />
      </Field>
      <Field id="hl-offline-phone" label={t('phone')}>
        <input id="hl-offline-phone" type="tel" autoComplete="tel" maxLength={40} onInput={set('phone')} />
      </Field>
      <Field id="hl-offline-text" label={t('yourMessage') + t('requiredMark')} error={errors.text}>
        <textarea
          id="hl-offline-text"
          rows={4}
          maxLength={10_000}
          onInput={set('text')}
          {...invalidProps('hl-offline-text', errors.text)}
        />
      </Field>
      {errors.form && (
        <div class="field-error" role="alert">
          {errors.form}
        </div>
      )}
      <button class="primary" type="submit" disabled={busy}>
        {t('leaveMessage')}
      </button>
    </form>
  );
}
