import { useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client.js';
import { t } from '../i18n.js';
import type { PreChatField } from '../types.js';
import { EMAIL_PATTERN, Field, invalidProps } from './Field.js';

type Errors = Record<string, string | undefined>;

/** Asks the inbox's questions before the first message; the answers travel with that message (`preChat`). */
export function PreChatForm({ client, fields }: { client: ChatClient; fields: PreChatField[] }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<Errors>({});

  const validate = (): Errors => {
    const found: Errors = {};
    for (const field of fields) {
      const value = (values[field.name] ?? '').trim();
      if (field.required && !value) found[field.name] = t('fieldRequired', { field: t(field.name) });
      else if (field.name === 'email' && value && !EMAIL_PATTERN.test(value)) found.email = t('emailInvalid');
    }
    if (!text.trim()) found.text = t('fieldRequired', { field: t('firstMessage') });
    return found;
  };

  return (
    <form
      class="card"
      noValidate
      aria-labelledby="hl-prechat-title"
      onSubmit={(event) => {
        event.preventDefault();
        const found = validate();
        setErrors(found);
        if (Object.keys(found).length > 0) return;
        const answers: Record<string, string> = {};
        for (const field of fields) {
          const value = (values[field.name] ?? '').trim();
          if (value) answers[field.name] = value.slice(0, 200);
        }
        client.send(text, answers);
      }}
    >
      <h3 id="hl-prechat-title">{t('preChatTitle')}</h3>
      {fields.map((field) => {
        const id = `hl-prechat-${field.name}`;
        const label = t(field.name) + (field.required ? t('requiredMark') : '');
        const set = (event: { currentTarget: { value: string } }) => setValues({ ...values, [field.name]: event.currentTarget.value });
        return (
          <Field key={field.name} id={id} label={label} error={errors[field.name]}>
            {field.name === 'topic' && field.options?.length ? (
              <select id={id} required={field.required} onChange={set} {...invalidProps(id, errors[field.name])}>
                <option value="">{t('chooseTopic')}</option>
                {field.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                // (Preact's typings want one literal type per <input>; these three are all text-like.)
                type={(field.name === 'email' ? 'email' : field.name === 'phone' ? 'tel' : 'text') as 'text'}
                autoComplete={field.name === 'email' ? 'email' : field.name === 'phone' ? 'tel' : field.name === 'name' ? 'name' : 'off'}
                required={field.required}
                maxLength={200}
                onInput={set}
                {...invalidProps(id, errors[field.name])}
              />
            )}
          </Field>
        );
      })}
      <Field id="hl-prechat-text" label={t('firstMessage') + t('requiredMark')} error={errors.text}>
        <textarea
          id="hl-prechat-text"
          rows={3}
          maxLength={10_000}
          required
          onInput={(event) => setText(event.currentTarget.value)}
          {...invalidProps('hl-prechat-text', errors.text)}
        />
      </Field>
      <button class="primary" type="submit">
        {t('start')}
      </button>
    </form>
  );
}
