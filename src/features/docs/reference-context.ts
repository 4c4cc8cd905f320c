import { createContext, useContext } from 'react';
import type { OpenApiDocument } from '@/features/docs/api/get-openapi';

export interface ReferenceState {
  document: OpenApiDocument;
  /** The `key_prefix` of the key the samples show, if the account has one. */
  keyPrefix: string | undefined;
}

/**
 * What the code samples read. They are drawn inside the renderer's tree, whose plugins are fixed
 * when it starts, so a change of key reaches them through context, not props.
 */
export const ReferenceContext = createContext<ReferenceState | null>(null);

export function useReference(): ReferenceState {
  const state = useContext(ReferenceContext);
  if (state === null) throw new Error('useReference needs a ReferenceContext provider');
  return state;
}
