import {
  INTEGRATION_LABELS,
  NO_INTEGRATION,
  type IntegrationBreakdownGroup,
  type IntegrationGroup,
} from '@shared/contracts';

/** How a breakdown or a filter names a group of keys by their integration. */
export function integrationGroupLabel(group: IntegrationBreakdownGroup): string {
  if (group === NO_INTEGRATION) return 'No integration';
  // The calls of keys a day's usage did not keep apart (beyond the keys it counts one by one).
  if (group === 'other') return 'Other keys';
  return INTEGRATION_LABELS[group];
}

/** The keys a filter by integration shows, in words: "Zapier keys", "Keys without an integration". */
export function integrationKeysLabel(group: IntegrationGroup): string {
  return group === NO_INTEGRATION ? 'Keys without an integration' : `${INTEGRATION_LABELS[group]} keys`;
}
