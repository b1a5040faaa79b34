import { useEffect, useState } from 'preact/hooks';
import type { Directory, OwnerType } from '../types.js';
import { ErrorMessage } from './ErrorMessage.js';

interface Props {
  idPrefix: string;
  value: { type: OwnerType; handle: string };
  loadDirectory: () => Promise<Directory>;
  onChange: (value: { type: OwnerType; handle: string }) => void;
}

/** Owner type, then an owner from the organization's directory (teams or active users); services are typed. */
export function OwnerPicker({ idPrefix, value, loadDirectory, onChange }: Props) {
  const [directory, setDirectory] = useState<Directory>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    loadDirectory().then(setDirectory, setError);
  }, [loadDirectory]);

  const options =
    value.type === 'team'
      ? (directory?.teams ?? []).map((t) => ({ handle: t.handle, label: t.name && t.name !== t.handle ? `${t.name} (${t.handle})` : t.handle }))
      : value.type === 'user'
        ? (directory?.users ?? [])
            .filter((u) => u.active !== false)
            .map((u) => ({ handle: u.handle, label: `${u.name ?? u.handle} <${u.email ?? u.handle}>` }))
        : [];

  return (
    <div class="owner-picker">
      <div class="field">
        <label for={`${idPrefix}-type`}>Owner type</label>
        <select id={`${idPrefix}-type`} value={value.type} onChange={(e) => onChange({ type: e.currentTarget.value as OwnerType, handle: '' })}>
          <option value="team">team</option>
          <option value="user">user</option>
          <option value="service">service</option>
        </select>
      </div>
      <div class="field">
        <label for={`${idPrefix}-handle`}>Owner</label>
        {value.type === 'service' ? (
          <input
            id={`${idPrefix}-handle`}
            value={value.handle}
            required
            onInput={(e) => onChange({ ...value, handle: e.currentTarget.value.trim() })}
          />
        ) : (
          <select id={`${idPrefix}-handle`} value={value.handle} required onChange={(e) => onChange({ ...value, handle: e.currentTarget.value })}>
            <option value="">{directory ? 'Choose…' : 'Loading directory…'}</option>
            {options.map((o) => (
              <option key={o.handle} value={o.handle}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </div>
      <ErrorMessage error={error} context="The directory could not be loaded" />
    </div>
  );
}
