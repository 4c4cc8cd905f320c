import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  alertSettingsResponseSchema,
  type AlertSettings,
  type AlertSettingsRequest,
} from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { alertsQueryKey } from '@/features/alerts/api/get-alerts';

export async function updateAlertSettings(
  accountId: string | null,
  body: AlertSettingsRequest,
): Promise<AlertSettings> {
  const { settings } = await apiRequest(
    accountPath(accountId, '/alerts/settings'),
    alertSettingsResponseSchema,
    {
      method: 'PUT',
      body,
    },
  );
  return settings;
}

export function useUpdateAlertSettings() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: AlertSettingsRequest) => updateAlertSettings(id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsQueryKey(id) }),
  });
}
