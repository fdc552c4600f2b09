import type { EmailSettings } from '@huiliu/contracts';
import { EmailSettingsInput, EmailSettingsPatch } from '@huiliu/contracts';
import type { z } from 'zod';
import type { SecretBox } from '../../platform/secrets.js';

type Imap = NonNullable<EmailSettings['imap']>;
type Smtp = NonNullable<EmailSettings['smtp']>;

/** An email inbox's settings as stored: passwords only encrypted (`passwordEnc`), never in clear. */
export interface StoredEmailSettings extends Omit<EmailSettings, 'imap' | 'smtp'> {
  imap: (Omit<Imap, 'passwordSet'> & { passwordEnc: string | null }) | null;
  smtp: (Omit<Smtp, 'passwordSet'> & { passwordEnc: string | null }) | null;
}

function storedBlock<T extends { password?: string | undefined }>(
  input: T,
  previous: { passwordEnc: string | null } | null,
  secrets: SecretBox,
): Omit<T, 'password'> & { passwordEnc: string | null } {
  const { password, ...rest } = input;
  return { ...rest, passwordEnc: password !== undefined ? secrets.encrypt(password) : (previous?.passwordEnc ?? null) };
}

/** Creates (no `previous`) or changes an email inbox's stored settings; a password left out keeps the stored one. */
export function storeEmailSettings(
  input: z.infer<typeof EmailSettingsPatch> | z.input<typeof EmailSettingsInput>,
  previous: StoredEmailSettings | null,
  secrets: SecretBox,
): StoredEmailSettings {
  const patch = EmailSettingsPatch.strip().parse(input);
  const base = previous ?? emailDefaults();
  return {
    ...base,
    ...patch,
    imap: patch.imap === undefined ? base.imap : patch.imap && storedBlock(patch.imap, base.imap, secrets),
    smtp: patch.smtp === undefined ? base.smtp : patch.smtp && storedBlock(patch.smtp, base.smtp, secrets),
  };
}

function emailDefaults(): StoredEmailSettings {
  const defaults = EmailSettingsInput.parse({});
  return { ...defaults, imap: null, smtp: null };
}

/** What the API shows: everything but the passwords, and whether one is stored. */
export function emailSettingsView(stored: Record<string, unknown>): EmailSettings {
  const settings = stored as unknown as StoredEmailSettings;
  const hide = <T extends { passwordEnc: string | null }>(block: T | null) => {
    if (!block) return null;
    const { passwordEnc, ...rest } = block;
    return { ...rest, passwordSet: passwordEnc !== null };
  };
  return { ...emailDefaults(), ...settings, imap: hide(settings.imap), smtp: hide(settings.smtp) };
}

export function storedEmailSettings(stored: Record<string, unknown>): StoredEmailSettings {
  return { ...emailDefaults(), ...(stored as unknown as StoredEmailSettings) };
}
