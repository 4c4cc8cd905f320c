import type { ApiKey } from '@shared/contracts';
import { Select } from '@/components/ui/form';
import { useId } from 'react';

const STATUS_SUFFIX: Partial<Record<ApiKey['status'], string>> = {
  revoked: ' (revoked)',
  expired: ' (expired)',
};

export function KeySelector({
  keys,
  value,
  onChange,
  disabled = false,
}: {
  keys: ApiKey[];
  value: string | null;
  onChange: (keyId: string | null) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm font-medium whitespace-nowrap text-zinc-700">
        Key
      </label>
      <Select
        id={id}
        value={value ?? ''}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value || null)}
        className="w-full min-w-0 sm:w-56"
      >
        <option value="">All keys</option>
        {keys.map((key) => (
          <option key={key.id} value={key.id}>
            {key.label}
            {STATUS_SUFFIX[key.status] ?? ''}
          </option>
        ))}
      </Select>
    </div>
  );
}
