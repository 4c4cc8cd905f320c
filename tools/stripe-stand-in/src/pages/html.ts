/** Markup that is already safe to embed; everything else interpolated into `html` is escaped. */
export class Html {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  toString(): string {
    return this.value;
  }
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1f36; background: #f6f8fa; }
  body { margin: 0; }
  main { max-width: 34rem; margin: 3rem auto; padding: 2rem; background: #fff; border: 1px solid #e3e8ee; border-radius: 12px; }
  .banner { margin: 0 0 1.5rem; padding: .5rem .75rem; border-radius: 6px; background: #fff8e1; color: #6b5100; font-size: .85rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  .price { font-size: 2rem; font-weight: 600; margin: .5rem 0 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 1rem 0; }
  dt { color: #697386; } dd { margin: 0; }
  form { margin: 0; }
  .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
  button { font: inherit; padding: .6rem 1rem; border-radius: 6px; border: 1px solid #cfd7df; background: #fff; cursor: pointer; }
  button.primary { background: #635bff; border-color: #635bff; color: #fff; width: 100%; padding: .8rem; font-weight: 600; }
  button.danger { color: #c0123c; }
  label { display: block; margin: .75rem 0 .25rem; }
  label.check { display: flex; gap: .5rem; align-items: center; color: #697386; font-size: .9rem; }
  input[type=email] { font: inherit; width: 100%; box-sizing: border-box; padding: .55rem; border: 1px solid #cfd7df; border-radius: 6px; }
  [role=alert] { padding: .6rem .75rem; border-radius: 6px; background: #fdecef; color: #8a0a29; }
  [role=status] { padding: .6rem .75rem; border-radius: 6px; background: #e6f6ec; color: #0e6245; }
  .status { display: inline-block; padding: .1rem .5rem; border-radius: 999px; background: #eef1f5; font-size: .85rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
  th, td { text-align: left; padding: .4rem .5rem .4rem 0; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
  .subscription { border-top: 1px solid #e3e8ee; padding-top: 1rem; margin-top: 1rem; }
  a { color: #635bff; }
  .muted { color: #697386; font-size: .9rem; }
`;

export function page(title: string, body: Html): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="banner">Test mode — local Stripe stand-in. No real payment is taken.</p>
${body.value}
</main>
</body>
</html>
`;
}

export function formatDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString('en-US', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}
