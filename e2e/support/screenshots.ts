/**
 * Screenshots of every page at desktop and phone width, into the git-ignored `screenshots/`
 * folder for a person to look at, and a check that nothing scrolls sideways.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE } from './browser.js';

export const SCREENSHOTS_DIR = fileURLToPath(new URL('../../screenshots', import.meta.url));

export const WIDTHS = [DESKTOP, PHONE] as const;

/** What overflows the window sideways: the page itself, or an open dialog. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
      problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
    }
    for (const dialog of document.querySelectorAll('[role="dialog"], [role="alertdialog"]')) {
      const box = dialog.getBoundingClientRect();
      if (box.left < 0 || box.right > root.clientWidth) {
        problems.push(`a dialog spans ${Math.round(box.left)}–${Math.round(box.right)} px`);
      }
      if (dialog.scrollWidth > dialog.clientWidth) {
        problems.push(`a dialog's content is ${dialog.scrollWidth} px wide in ${dialog.clientWidth} px`);
      }
    }
    return problems;
  });
}

export interface ShotOptions {
  /** The whole page (default), or only the window: dialogs and menus cover the window, not the page. */
  fullPage?: boolean;
}

/** Saves `<name>-<width>.png` and returns the file's path. */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true }: ShotOptions = {},
): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const file = path.join(SCREENSHOTS_DIR, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  return file;
}

export interface Shot {
  file: string;
  overflow: string[];
}

/**
 * At each width: `show` brings the page into the state to capture, then it is saved and checked
 * for sideways scrolling.
 */
export async function captureAtBothWidths(
  page: Page,
  name: string,
  show: () => Promise<void>,
  {
    widths = WIDTHS,
    ...options
  }: ShotOptions & { widths?: readonly { width: number; height: number }[] } = {},
): Promise<Shot[]> {
  const shots: Shot[] = [];
  for (const viewport of widths) {
    await page.setViewportSize(viewport);
    await show();
    shots.push({ file: await screenshot(page, name, options), overflow: await horizontalOverflow(page) });
  }
  return shots;
}

export { DESKTOP, PHONE };
