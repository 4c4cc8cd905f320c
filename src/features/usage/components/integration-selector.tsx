import { useId } from 'react';
import {
  INTEGRATIONS,
  NO_INTEGRATION,
  integrationGroupSchema,
  type IntegrationGroup,
} from '@shared/contracts';
import { Select } from '@/components/ui/form';
import { integrationGroupLabel } from '@/lib/integrations';

const GROUPS: readonly IntegrationGroup[] = [...INTEGRATIONS, NO_INTEGRATION];

/** Narrows the page to the keys made for one integration, or to the keys made for none. */
export function IntegrationSelector({
  value,
  onChange,
}: {
  value: IntegrationGroup | null;
  onChange: (integration: IntegrationGroup | null) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm font-medium whitespace-nowrap text-zinc-700">
        Integration
      </label>
      <Select
        id={id}
        value={value ?? ''}
        onChange={(event) => {
          const chosen = integrationGroupSchema.safeParse(event.target.value);
          onChange(chosen.success ? chosen.data : null);
        }}
        className="w-full min-w-0 sm:w-48"
      >
        <option value="">All integrations</option>
        {GROUPS.map((group) => (
          <option key={group} value={group}>
            {integrationGroupLabel(group)}
          </option>
        ))}
      </Select>
    </div>
  );
}
