/** Fact rows as the server sends them, for tests that fill an engine's inbox tables. */

/** An inbound message fact (every field present); `fields` overrides any of them. */
export function messageFact(
  fields: Record<string, unknown> & { id: string; leadId: string; workspaceId: string },
): Record<string, unknown> {
  return {
    conversationId: `c-${fields.leadId}`,
    channel: 'sms',
    direction: 'in',
    kind: 'message',
    authorId: null,
    fromAddress: null,
    toAddress: null,
    subject: null,
    body: 'Hello?',
    attachments: [],
    status: 'received',
    statusReason: null,
    providerId: null,
    emailMessageId: null,
    inReplyTo: null,
    references: null,
    sendAt: null,
    sentAt: null,
    deliveredAt: null,
    openedAt: null,
    clickedAt: null,
    mentions: null,
    callDurationS: null,
    callOutcome: null,
    assigneeId: null,
    teamId: null,
    createdAt: 0,
    updatedAt: 0,
    seq: 1,
    ...fields,
  };
}
