import type { AppRootProps } from '@grafana/data';
import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';

import { ROUTES } from '../../constants';
import { Overview } from '../../pages/Overview/Overview';
import type { AppSettings } from '../AppConfig/settings';

/** The app's pages; Grafana mounts this under /a/<plugin id>/ with routes relative to it. */
export function App({ meta }: AppRootProps<AppSettings>) {
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview settings={meta.jsonData} />} />
      <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
    </Routes>
  );
}
