import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { RangePicker } from '@/features/usage/components/range-picker';
import type { UsageRange } from '@/features/usage/usage-filters';

const NOW = new Date('2025-03-15T18:30:00Z');
const THIRTY_DAYS: UsageRange = { preset: '30d', from: '2025-02-14', to: '2025-03-15' };

function setup(initial: UsageRange = THIRTY_DAYS) {
  const onChange = vi.fn<(range: UsageRange) => void>();
  function Harness() {
    const [value, setValue] = useState(initial);
    return (
      <RangePicker
        value={value}
        now={NOW}
        onChange={(range) => {
          onChange(range);
          setValue(range);
        }}
      />
    );
  }
  render(<Harness />);
  return { user: userEvent.setup(), onChange };
}

describe('usage range picker', () => {
  describe('presets', () => {
    it('offers 7 days, 30 days and custom, with the current one checked', () => {
      setup();
      expect(screen.getByRole('group', { name: 'Date range' })).toBeInTheDocument();
      expect(screen.getByRole('radio', { name: '30 days' })).toBeChecked();
      expect(screen.getByRole('radio', { name: '7 days' })).not.toBeChecked();
      expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
    });

    it('turns "7 days" into the last seven UTC days, today included', async () => {
      const { user, onChange } = setup();
      await user.click(screen.getByRole('radio', { name: '7 days' }));
      expect(onChange).toHaveBeenLastCalledWith({ preset: '7d', from: '2025-03-09', to: '2025-03-15' });
    });

    it('is usable with the keyboard alone', async () => {
      const { user, onChange } = setup();
      await user.tab();
      expect(screen.getByRole('radio', { name: '30 days' })).toHaveFocus();
      await user.keyboard('{ArrowLeft}');
      expect(onChange).toHaveBeenLastCalledWith({ preset: '7d', from: '2025-03-09', to: '2025-03-15' });
    });
  });

  describe('custom range', () => {
    it('starts from the range on screen and applies a valid range as soon as it is typed', async () => {
      const { user, onChange } = setup();
      await user.click(screen.getByRole('radio', { name: 'Custom' }));

      const from = screen.getByLabelText('From');
      const to = screen.getByLabelText('To');
      expect(from).toHaveValue('2025-02-14');
      expect(to).toHaveValue('2025-03-15');
      expect(to).toHaveAttribute('max', '2025-03-15');

      await user.clear(from);
      await user.type(from, '2025-01-01');
      expect(onChange).toHaveBeenLastCalledWith({ preset: 'custom', from: '2025-01-01', to: '2025-03-15' });
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });

    it('refuses a start after the end, and says why', async () => {
      const { user, onChange } = setup();
      await user.click(screen.getByRole('radio', { name: 'Custom' }));
      onChange.mockClear();

      const from = screen.getByLabelText('From');
      await user.clear(from);
      await user.type(from, '2025-03-20');

      expect(screen.getByRole('alert')).toHaveTextContent('From must not be after to.');
      expect(from).toHaveAttribute('aria-invalid', 'true');
      expect(from).toHaveAccessibleDescription('From must not be after to.');
      expect(onChange).not.toHaveBeenCalled();
    });

    it('refuses an end date in the future', async () => {
      const { user, onChange } = setup();
      await user.click(screen.getByRole('radio', { name: 'Custom' }));
      onChange.mockClear();
      const to = screen.getByLabelText('To');
      await user.clear(to);
      await user.type(to, '2025-03-16');
      expect(screen.getByRole('alert')).toHaveTextContent('The end date cannot be in the future.');
      expect(onChange).not.toHaveBeenCalled();
    });

    it('refuses ranges longer than the API serves', async () => {
      const { user, onChange } = setup();
      await user.click(screen.getByRole('radio', { name: 'Custom' }));
      onChange.mockClear();
      const from = screen.getByLabelText('From');
      await user.clear(from);
      await user.type(from, '2024-03-01');
      expect(screen.getByRole('alert')).toHaveTextContent('A range is at most 366 days.');
      expect(onChange).not.toHaveBeenCalled();
    });

    it('goes back to a preset and hides the dates', async () => {
      const { user, onChange } = setup({ preset: 'custom', from: '2025-01-01', to: '2025-01-31' });
      expect(screen.getByRole('radio', { name: 'Custom' })).toBeChecked();
      await user.click(screen.getByRole('radio', { name: '30 days' }));
      expect(onChange).toHaveBeenLastCalledWith({ preset: '30d', from: '2025-02-14', to: '2025-03-15' });
      expect(screen.queryByLabelText('From')).not.toBeInTheDocument();
    });
  });
});
