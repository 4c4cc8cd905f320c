import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  alertSettingsResponseSchema,
  type AlertSettings,
  type AlertSettingsRequest,
} from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { alertsQueryKey } from '@/features/alerts/api/get-alerts';

export async function updateAlertSettings(body: AlertSettingsRequest): Promise<AlertSettings> {
  const { settings } = await apiRequest('/alerts/settings', alertSettingsResponseSchema, {
    method: 'PUT',
    body,
  });
  return settings;
}

export function useUpdateAlertSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateAlertSettings,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsQueryKey }),
  });
}
