import type { MailMessage } from './mailer.ts';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function invitationMail(args: {
  to: string;
  workspaceName: string;
  inviterName: string;
  role: string;
  link: string;
}): MailMessage {
  const { to, workspaceName, inviterName, role, link } = args;
  const subject = `${inviterName} invited you to ${workspaceName}`;
  const text = [
    `${inviterName} invited you to join the workspace "${workspaceName}" as ${role}.`,
    '',
    `Accept the invitation: ${link}`,
    '',
    'The link works once and expires in 7 days.',
  ].join('\n');
  const html = `<p>${escapeHtml(inviterName)} invited you to join the workspace <b>${escapeHtml(workspaceName)}</b> as ${escapeHtml(role)}.</p>
<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>
<p>The link works once and expires in 7 days.</p>`;
  return { to, subject, text, html };
}

export function passwordResetMail(args: { to: string; name: string; link: string }): MailMessage {
  const { to, name, link } = args;
  const subject = 'Reset your password';
  const text = [
    `Hello ${name},`,
    '',
    `Someone asked to reset the password of this account. To choose a new one: ${link}`,
    '',
    'The link works once and expires in 1 hour. If it was not you, ignore this mail.',
  ].join('\n');
  const html = `<p>Hello ${escapeHtml(name)},</p>
<p>Someone asked to reset the password of this account. <a href="${escapeHtml(link)}">Choose a new password</a>.</p>
<p>The link works once and expires in 1 hour. If it was not you, ignore this mail.</p>`;
  return { to, subject, text, html };
}
