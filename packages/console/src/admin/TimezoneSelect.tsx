import { Select } from 'antd';

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'America/New_York', 'UTC'];
  }
})();

/** An IANA time zone, searchable (the server refuses anything else). */
export function TimezoneSelect(props: { value?: string; onChange?: (value: string) => void; disabled?: boolean; id?: string }) {
  return <Select showSearch {...props} style={{ width: 260 }} options={ZONES.map((zone) => ({ value: zone, label: zone }))} />;
}
