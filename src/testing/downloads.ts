import { vi } from 'vitest';

export interface SavedFile {
  href: string;
  download: string;
  blob: Blob | undefined;
}

/**
 * The files the page saves while `act` runs: jsdom cannot download, so the link's click is
 * recorded instead, with the Blob its object URL was made from.
 */
export async function recordDownloads(act: () => Promise<void>): Promise<SavedFile[]> {
  const saved: SavedFile[] = [];
  const createObjectURL = vi.mocked(URL.createObjectURL);
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function recordClick(this: HTMLAnchorElement) {
    const made = createObjectURL.mock.calls.at(-1)?.[0];
    // fetch's Blob is Node's, not jsdom's, so `instanceof Blob` cannot tell.
    saved.push({
      href: this.href,
      download: this.download,
      blob: made && 'arrayBuffer' in made ? made : undefined,
    });
  };
  try {
    await act();
  } finally {
    HTMLAnchorElement.prototype.click = click;
  }
  return saved;
}
