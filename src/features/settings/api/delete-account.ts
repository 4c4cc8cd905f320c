import { useMutation } from '@tanstack/react-query';
import { apiSend } from '@/lib/api-client';

export function deleteAccount(): Promise<void> {
  return apiSend('/me', { method: 'DELETE' });
}

/**
 * Deletes the account with its keys and usage. Nothing is invalidated here: the caller signs
 * out next, and signing out drops every cached query of the account (see AuthProvider).
 */
export function useDeleteAccount() {
  return useMutation({ mutationFn: deleteAccount });
}
