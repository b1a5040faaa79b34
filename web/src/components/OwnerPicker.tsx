import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { ownerOptions, type OwnerOption, type Slot } from '../owner-options.js';
import { ErrorMessage } from './ErrorMessage.js';

interface Props {
  api: Api;
  idPrefix: string;
  /** The owner type of the answer corrected: the API takes an owner of that type only. */
  ownerType: Slot;
  value: string;
  onChange: (handle: string) => void;
  autoFocus?: boolean;
}

/** An owner of the answer's own type, from every one the organization knows. */
export function OwnerPicker({ api, idPrefix, ownerType, value, onChange, autoFocus }: Props) {
  const [options, setOptions] = useState<OwnerOption[]>();
  const [error, setError] = useState<unknown>();
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (autoFocus) select.current?.focus();
  }, []);
  useEffect(() => {
    ownerOptions(api, ownerType).then(setOptions, setError);
  }, [api, ownerType]);

  return (
    <div class="owner-picker">
      <div class="field">
        <label for={`${idPrefix}-handle`}>Correct {ownerType}</label>
        <select
          id={`${idPrefix}-handle`}
          value={value}
          required
          ref={select}
          data-owner-type={ownerType}
          onChange={(e) => onChange(e.currentTarget.value)}
        >
          <option value="">{options ? 'Choose…' : 'Loading owners…'}</option>
          {options?.map((o) => (
            <option key={o.handle} value={o.handle}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={error} context="The owners could not be loaded" />
    </div>
  );
}

interface CorrectFormProps extends Props {
  busy: boolean;
  onSubmit: () => void;
}

/** The correction of one answer: an owner of its type, then "Save correction" (Enter in the form). */
export function CorrectForm({ busy, onSubmit, ...picker }: CorrectFormProps) {
  return (
    <form
      class="correct-form"
      aria-label={`Correct the ${picker.ownerType} owner`}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <OwnerPicker {...picker} />
      <button type="submit" class="primary" disabled={busy}>
        Save correction
      </button>
    </form>
  );
}
