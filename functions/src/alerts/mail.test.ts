import { describe, expect, it } from 'vitest';
import { composeAlertMail, parseMailConfig } from './mail.js';

describe('mail configuration', () => {
  it('is off without SMTP_URL, or with SMTP_URL=none', () => {
    for (const SMTP_URL of [undefined, '', '  ', 'none', 'NONE'])
      expect(parseMailConfig({ SMTP_URL, MAIL_FROM: 'alerts@example.com' })).toMatchObject({
        ok: false,
        reason: 'not_configured',
      });
  });

  it('takes an smtp:// or smtps:// URL and a sender', () => {
    expect(
      parseMailConfig({
        SMTP_URL: 'smtps://u:p@smtp.example.com:465',
        MAIL_FROM: 'Keymeter <a@example.com>',
      }),
    ).toEqual({
      ok: true,
      config: { smtpUrl: 'smtps://u:p@smtp.example.com:465', from: 'Keymeter <a@example.com>' },
    });
    expect(parseMailConfig({ SMTP_URL: 'smtp://127.0.0.1:1025', MAIL_FROM: 'a@example.com' }).ok).toBe(true);
  });

  it('names what is wrong, never the values', () => {
    const result = parseMailConfig({
      SMTP_URL: 'https://user:hunter2@mail.example.com',
      MAIL_FROM: 'nobody',
    });
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['SMTP_URL', 'MAIL_FROM']);
    expect(problems.join(' ')).not.toContain('hunter2');
  });

  it('refuses a sender that could inject headers', () => {
    expect(
      parseMailConfig({ SMTP_URL: 'smtp://h:25', MAIL_FROM: 'a@example.com\r\nBcc: x@example.com' }).ok,
    ).toBe(false);
  });
});

describe('the alert email', () => {
  it('has the alert as its subject and its body as text', () => {
    expect(
      composeAlertMail({ title: 'Monthly quota reached (2026-12)', body: 'The account has used…' }),
    ).toEqual({
      subject: 'Keymeter: Monthly quota reached (2026-12)',
      text: expect.stringMatching(/^The account has used…\n\n.*Alerts page/s),
    });
  });
});
