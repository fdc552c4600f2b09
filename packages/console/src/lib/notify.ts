import type { UserPreferences } from '@huiliu/contracts';
import { Store } from './store';

export type NotifySettings = UserPreferences['notifications'];

/**
 * The user's notification settings, for code outside React (the live connection). They live in
 * the server preferences (`/auth/me`); the header keeps this copy in step with them.
 */
export const notifySettings = new Store<NotifySettings>({ desktop: true, sound: true, onAssignment: true, onCustomerMessage: true });

export async function askPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

let audio: AudioContext | undefined;

/** A short two-note chime made with Web Audio: no sound file to ship. */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [index, frequency] of [880, 1320].entries()) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + index * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.2, now + index * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + index * 0.12 + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + index * 0.12);
      oscillator.stop(now + index * 0.12 + 0.3);
    }
  } catch {
    // No audio device or autoplay blocked: the notification still shows.
  }
}

/** Desktop notification and chime, as the settings say. Clicking the notification opens `onClick`. */
export function notify(title: string, body: string, tag: string, onClick?: () => void, kind?: 'assignment' | 'message'): void {
  const settings = notifySettings.get();
  if ((kind === 'assignment' && !settings.onAssignment) || (kind === 'message' && !settings.onCustomerMessage)) return;
  if (settings.sound) chime();
  if (!settings.desktop || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      onClick?.();
      notification.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the chime is enough there.
  }
}
