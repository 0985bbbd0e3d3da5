/** The `inbox:*`, `queue:*` and `notifications:*` channels (contract-inbox.ts) over `Inbox`. */
import type { Handlers } from '../handlers.ts';
import type { inboxChannels } from '../../shared/contract.ts';
import type { Inbox } from './inbox.ts';

type InboxHandlers = Pick<Handlers, keyof typeof inboxChannels>;

export function createInboxHandlers(inbox: Inbox): InboxHandlers {
  return {
    'inbox:conversations': async (q) => inbox.conversations(q),
    'inbox:counts': async () => inbox.counts(),
    'inbox:thread': async (q) => inbox.thread(q),
    'inbox:send': (input) => inbox.sendWithFiles(input),
    'inbox:attachment': ({ fileId }) => inbox.attachment(fileId),
    'inbox:cancelMessage': async ({ messageId }) => inbox.cancelMessage(messageId),
    'inbox:assign': async (input) => inbox.assign(input),
    'inbox:update': async (input) => inbox.update(input),
    'inbox:history': ({ conversationId }) => inbox.history(conversationId),
    'inbox:markRead': async ({ conversationId }) => inbox.markRead(conversationId),
    'inbox:view': async ({ conversationId, typing }) => {
      inbox.view(conversationId, typing);
      return { ok: true as const };
    },
    'inbox:commands': async () => inbox.commands(),
    'inbox:dismissCommand': async ({ id }) => {
      inbox.dismissCommand(id);
      return { ok: true as const };
    },
    'inbox:templates': () => inbox.templates(),
    'inbox:saveSnippets': async ({ snippets }) => inbox.saveSnippets(snippets),
    'queue:list': async ({ team }) => inbox.queue(team),
    'queue:next': async () => inbox.next(),
    'queue:claim': async ({ id }) => inbox.queueAction('claim', id),
    'queue:release': async ({ id }) => inbox.queueAction('release', id),
    'queue:complete': async ({ id }) => inbox.queueAction('complete', id),
    'queue:reorder': async ({ itemIds }) => inbox.reorder(itemIds),
    'queue:team': () => inbox.teamView(),
    'inbox:settings': () => inbox.settings(),
    'inbox:saveSettings': async (settings) => inbox.saveSettings(settings),
    'inbox:channels': () => inbox.channels(),
    'inbox:startConversation': (input) => inbox.startConversation(input),
    'notifications:list': async ({ limit }) => inbox.notifications(limit),
    'notifications:markRead': async ({ ids }) => inbox.markNotificationsRead(ids),
    'notifications:getPrefs': () => inbox.loadPrefs(),
    'notifications:setPrefs': async (prefs) => inbox.setPrefs(prefs),
  };
}
