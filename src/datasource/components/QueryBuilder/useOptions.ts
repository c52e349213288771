import type { SelectableValue } from '@grafana/data';
import { useEffect, useState } from 'react';

/** Select options loaded by `load` whenever `key` changes; none while loading or when the lookup fails. */
export function useOptions(load: () => Promise<string[]>, key: string): Array<SelectableValue<string>> {
  const [options, setOptions] = useState<Array<SelectableValue<string>>>([]);
  useEffect(() => {
    let current = true;
    load()
      .then((values) => current && setOptions(values.map((value) => ({ label: value, value }))))
      .catch(() => current && setOptions([]));
    return () => {
      current = false;
    };
    // `key` names everything `load` depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return options;
}

/** The chosen values as options, so a value the lookup did not return still shows. */
export function withValues(options: Array<SelectableValue<string>>, values: string[]): Array<SelectableValue<string>> {
  const known = new Set(options.map((option) => option.value));
  return [...options, ...values.filter((value) => !known.has(value)).map((value) => ({ label: value, value }))];
}
