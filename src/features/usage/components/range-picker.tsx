import { useId, useState } from 'react';
import { Field, Input, SegmentedControl } from '@/components/ui/form';
import { todayUtc } from '@/lib/date-range';
import {
  RANGE_PRESETS,
  presetRange,
  rangeProblem,
  type RangePreset,
  type UsageRange,
} from '@/features/usage/usage-filters';

/**
 * 7 days, 30 days or a custom range of UTC dates. A custom range is applied as soon as both
 * dates make a valid range; until then the problem is shown under the dates.
 */
export function RangePicker({
  value,
  onChange,
  now,
}: {
  value: UsageRange;
  onChange: (range: UsageRange) => void;
  /** The current moment; tests pin it. */
  now?: Date;
}) {
  const problemId = useId();
  const today = todayUtc(now);
  const [draft, setDraft] = useState({ from: value.from, to: value.to });
  const [showCustom, setShowCustom] = useState(value.preset === 'custom');
  const problem = showCustom ? rangeProblem(draft.from, draft.to, today) : null;

  function choosePreset(preset: RangePreset) {
    if (preset === 'custom') {
      setShowCustom(true);
      setDraft({ from: value.from, to: value.to });
      onChange({ preset: 'custom', from: value.from, to: value.to });
      return;
    }
    setShowCustom(false);
    onChange(presetRange(preset, now));
  }

  function changeDraft(next: { from: string; to: string }) {
    setDraft(next);
    if (!rangeProblem(next.from, next.to, today)) onChange({ preset: 'custom', ...next });
  }

  return (
    <div className="flex flex-col gap-3">
      <SegmentedControl
        label="Date range"
        value={showCustom ? 'custom' : value.preset}
        options={RANGE_PRESETS}
        onChange={choosePreset}
      />
      {showCustom && (
        <div>
          <div className="flex flex-wrap items-start gap-3">
            <Field label="From" className="w-40">
              {(props) => (
                <Input
                  {...props}
                  type="date"
                  value={draft.from}
                  max={today}
                  aria-invalid={Boolean(problem)}
                  aria-describedby={problemId}
                  onChange={(event) => changeDraft({ ...draft, from: event.target.value })}
                />
              )}
            </Field>
            <Field label="To" className="w-40">
              {(props) => (
                <Input
                  {...props}
                  type="date"
                  value={draft.to}
                  max={today}
                  aria-invalid={Boolean(problem)}
                  aria-describedby={problemId}
                  onChange={(event) => changeDraft({ ...draft, to: event.target.value })}
                />
              )}
            </Field>
          </div>
          <p
            id={problemId}
            role={problem ? 'alert' : undefined}
            className="mt-1.5 min-h-4 text-xs font-medium text-rose-600"
          >
            {problem}
          </p>
        </div>
      )}
    </div>
  );
}
