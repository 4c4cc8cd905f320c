/** What an alert says, the same words in the notification list and in the email. */
import type { AlertDoc } from './alert-doc.js';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const format = (value: number) => number.format(value);

export interface AlertText {
  title: string;
  body: string;
}

export function alertText(alert: AlertDoc): AlertText {
  const limit = alert.limit === null ? null : `${format(alert.limit)} ${alert.meter}`;
  switch (alert.kind) {
    case 'quota_threshold':
      return {
        title:
          alert.threshold >= 100
            ? `Monthly quota reached (${alert.period})`
            : `${format(alert.threshold)}% of the monthly quota used (${alert.period})`,
        body: `The account has used ${format(alert.value)} ${alert.meter}${limit === null ? '' : ` of its ${limit}`} in ${alert.period}.`,
      };
    case 'low_credits':
      return {
        title: 'Credits running low',
        body: `The credit balance is down to ${format(alert.value)} ${alert.meter} (alert at ${format(alert.threshold)}).`,
      };
    case 'spend_cap':
      return {
        title: `Spend cap reached (${alert.period})`,
        body: `The account reached its spend cap${limit === null ? '' : ` of ${limit}`} in ${alert.period}: calls beyond it are refused until the period ends or the cap is raised.`,
      };
    case 'key_cap':
      return {
        title: `A key reached its monthly cap (${alert.period})`,
        body: `Key ${alert.key_id ?? '(unknown)'} used ${format(alert.value)} ${alert.meter}${limit === null ? '' : ` of its ${limit} cap`} in ${alert.period}: it is refused until the period ends or the cap is raised.`,
      };
  }
}
