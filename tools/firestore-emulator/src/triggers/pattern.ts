/**
 * Eventarc document path patterns, as firebase-functions writes them: literal segments,
 * `{param}` or `*` for exactly one segment, `{param=**}` or `**` for any number of segments.
 */
type Segment =
  { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'one' } | { readonly kind: 'many' };

export class DocumentPattern {
  private readonly segments: readonly Segment[];

  constructor(
    readonly raw: string,
    readonly exact: boolean,
  ) {
    const parts = raw.split('/').filter((part) => part.length > 0);
    this.segments = exact
      ? parts.map((value) => ({ kind: 'literal', value }))
      : parts.map((part): Segment => {
          if (part === '**' || /^\{[^/{}=]+=\*\*\}$/.test(part)) return { kind: 'many' };
          if (part === '*' || /^\{[^/{}=]+\}$/.test(part)) return { kind: 'one' };
          return { kind: 'literal', value: part };
        });
  }

  /** The pattern with slashes trimmed, for listings. */
  get normalized(): string {
    return this.raw
      .split('/')
      .filter((part) => part.length > 0)
      .join('/');
  }

  matches(path: string): boolean {
    return matchFrom(this.segments, 0, path.split('/'), 0);
  }
}

function matchFrom(pattern: readonly Segment[], i: number, path: readonly string[], j: number): boolean {
  if (i === pattern.length) return j === path.length;
  const segment = pattern[i];
  if (segment === undefined) return false;
  if (segment.kind === 'many') {
    for (let k = j; k <= path.length; k++) if (matchFrom(pattern, i + 1, path, k)) return true;
    return false;
  }
  if (j >= path.length) return false;
  if (segment.kind === 'literal' && segment.value !== path[j]) return false;
  return matchFrom(pattern, i + 1, path, j + 1);
}
