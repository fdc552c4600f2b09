import type { ChatClient, ChatState } from '../chat-client.js';
import { lang, t } from '../i18n.js';
import type { Config } from '../types.js';
import { ArticleSearch } from './ArticleSearch.js';
import { Composer } from './Composer.js';
import { CsatForm } from './CsatForm.js';
import { CloseIcon } from './icons.js';
import { MessageList } from './MessageList.js';
import { OfflineForm } from './OfflineForm.js';
import { PreChatForm } from './PreChatForm.js';
import { VerifyEmail } from './VerifyEmail.js';

interface PanelProps {
  client: ChatClient;
  state: ChatState;
  config: Config;
  hidden: boolean;
  onClose: () => void;
  panelRef: { current: HTMLElement | null };
  inputRef: { current: HTMLTextAreaElement | null };
}

function queueText(queue: NonNullable<ChatState['queue']>): string {
  const wait = queue.estimatedWaitSeconds;
  const ahead = Math.max(0, queue.position - 1);
  if (ahead === 0) return t('queuedNext');
  return t('queued', { ahead }) + (wait !== null ? t('queuedWait', { minutes: Math.max(1, Math.round(wait / 60)) }) : '');
}

/** The bot said nobody can take the chat now, and the customer has not written since: offer the form. */
function leaveMessageOffered(entries: ChatState['entries']): boolean {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.type === 'pending') return false;
    if (entry.message.senderType === 'customer') return false;
    if (entry.message.payload?.type === 'leave_message') return true;
  }
  return false;
}

/** The chat window: which of conversation, pre-chat form, offline form or rating to show is decided here. */
export function Panel({ client, state, config, hidden, onClose, panelRef, inputRef }: PanelProps) {
  const { conversation, entries } = state;
  const hasOpenConversation = Boolean(conversation && conversation.state !== 'resolved');
  // With the bot on, the chat opens at any hour: the bot answers, and offers the form when a person is wanted.
  const showOffline = !config.online && !config.bot.enabled && !hasOpenConversation && !state.offlineSubmitted;
  const offerLeaveMessage = hasOpenConversation && !state.offlineSubmitted && leaveMessageOffered(entries);
  const showPreChat =
    !showOffline && config.preChatForm.enabled && config.preChatForm.fields.length > 0 && !conversation && entries.length === 0;
  const rated = Boolean(conversation && state.ratedConversationId === conversation.id);
  const showCsat = conversation?.state === 'resolved' && config.csatEnabled && !conversation.csat && !rated;
  const showComposer = !showOffline && !showPreChat && !state.sessionProblem;
  const typing = state.agentTyping ? t('agentTyping') : null;

  return (
    <section
      id="huiliu-panel"
      class="panel"
      role="dialog"
      aria-label={config.name}
      hidden={hidden}
      tabIndex={-1}
      ref={panelRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <header class="header">
        <div class="title">
          <h2>{config.name}</h2>
          <span class="status">
            <i class={`dot${config.online || config.bot.enabled ? ' on' : ''}`} aria-hidden="true" />
            {config.online ? t('online') : config.bot.enabled ? t('botOnline') : t('offline')}
          </span>
        </div>
        <button type="button" class="icon-button" aria-label={t('close')} title={t('close')} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>

      {state.connection === 'reconnecting' && (
        <div class="banner warning" role="status">
          {t('reconnecting')}
        </div>
      )}
      {state.queue && conversation?.state === 'queued' && (
        <div class="banner" role="status">
          {queueText(state.queue)}
        </div>
      )}

      <MessageList client={client} entries={entries} greeting={config.greeting[lang]} typing={typing}>
        {!conversation && entries.length === 0 && !showOffline && <ArticleSearch client={client} />}
        {showPreChat && <PreChatForm client={client} fields={config.preChatForm.fields} />}
        {(showOffline || offerLeaveMessage) && <OfflineForm client={client} note={config.offlineMessage[lang]} opensAt={config.opensAt} />}
        {state.offlineSubmitted && (
          <div class="thanks" role="status">
            {t('offlineThanks')}
          </div>
        )}
        {showCsat && <CsatForm client={client} />}
        {rated && (
          <div class="thanks" role="status">
            {t('csatThanks')}
          </div>
        )}
        {config.emailVerification && !showPreChat && !showOffline && !state.sessionProblem && (
          <VerifyEmail client={client} verifiedEmail={state.verifiedEmail} />
        )}
        {(state.signedIn || state.verifiedEmail) && !showPreChat && !state.sessionProblem && (
          <button type="button" class="link portal-link" title={t('myTicketsHint')} onClick={() => void client.openPortal()}>
            {t('myTickets')}
          </button>
        )}
      </MessageList>

      {state.sessionProblem && (
        <div class="alert" role="alert">
          <span>{state.sessionProblem}</span>
          <button type="button" class="link" onClick={() => void client.start().catch(() => undefined)}>
            {t('retry')}
          </button>
        </div>
      )}
      {state.notice && (
        <div class="alert" role="alert">
          <span>{state.notice}</span>
          <button type="button" class="link" onClick={() => client.dismissNotice()}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {showComposer && <Composer client={client} config={config} inputRef={inputRef} />}
    </section>
  );
}
