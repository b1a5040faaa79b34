import type { Api } from '../api.js';
import { AutoTagSettings } from './AutoTagSettings.js';
import { PreferencesCsv } from './PreferencesCsv.js';

export function SettingsPage({ api }: { api: Api }) {
  return (
    <div>
      <h1>Settings</h1>
      <AutoTagSettings api={api} />
      <PreferencesCsv api={api} />
    </div>
  );
}
