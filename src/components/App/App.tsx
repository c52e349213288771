import type { AppRootProps } from '@grafana/data';
import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';

import { appPageUrl, ROUTES } from '../../constants';
import { Diagnostics } from '../../pages/Diagnostics/Diagnostics';
import { Home } from '../../pages/Home/Home';
import type { AppSettings } from '../AppConfig/settings';

/** The app's pages; Grafana mounts this under /a/<plugin id>/ with routes relative to it. */
export function App({ meta }: AppRootProps<AppSettings>) {
  const props = { settings: meta.jsonData, secureJsonFields: meta.secureJsonFields };
  return (
    <Routes>
      <Route path={ROUTES.Home} element={<Home {...props} />} />
      <Route path={ROUTES.Diagnostics} element={<Diagnostics {...props} />} />
      {/* Anything else, including the former `overview` page, lands on Home. The target is absolute:
          relative to a splat route it would depend on React Router's v7_relativeSplatPath flag
          (with it, `home` from /nowhere is /nowhere/home, which matches `*` again, forever). */}
      <Route path="*" element={<Navigate to={appPageUrl(ROUTES.Home)} replace />} />
    </Routes>
  );
}
